"""Where a row's facts come from: a page a reader can open, or a named document.

Every `source_url` and `coordinates_source_url` is an https address (the HTTPS_URL
pattern in schemas.fields). A source_url that is only a website's home page, such as
https://www.dortmund.de/, does not lead a reader to the fact. It is accepted only
where the page is gone and `source_note` names the document instead.

"Names the document" is tested mechanically: the note holds a number or a date (a
digit: a press release number, a council printed matter number, a day) and a word
of at least three letters (what kind of document). "Pressemitteilung der Stadt
Zwickau 2013/10/396 vom 01.10.2013" and "Meldung nicht mehr online; Drucksache
Nr. 12345-23" pass; "Newsroom der Stadt Dortmund" and "12.09.2017" do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

#: scheme and host with nothing after them but an optional "/" and fragment: no path,
#: no query (https://www.nordstadtblogger.de/?p=265997 names a page, so it is no home page)
HOME_PAGE = r"^https?://[^/?#]+/?(?:#.*)?$"
#: a number or a date
NUMBER = r"[0-9]"
#: a word: what kind of document the number belongs to
WORD = r"[A-Za-zÄÖÜäöüß]{3,}"


def is_home_page(urls: pd.Series) -> pd.Series:
    """True where the address is only a website's root (path empty or "/").

    Tested once per distinct address: a million rows cite a few thousand pages."""
    codes, distinct = pd.factorize(urls, use_na_sentinel=True)
    home = pd.Series(distinct, dtype="string").str.match(HOME_PAGE).fillna(False)
    found = np.append(home.to_numpy(dtype=bool), False)  # code -1 (no address) is no home page
    return pd.Series(found[codes], index=urls.index)


def names_a_document(notes: pd.Series) -> pd.Series:
    """True where the note holds a number or date and a word (see the module docstring)."""
    has_number = notes.str.contains(NUMBER, regex=True).fillna(False).astype(bool)
    has_word = notes.str.contains(WORD, regex=True).fillna(False).astype(bool)
    return has_number & has_word


class SourceNoteRules(pa.DataFrameModel):
    """For models with source_url and source_note."""

    @pa.dataframe_check(name="home_page_needs_document")
    def home_page_needs_document(cls, df: pd.DataFrame) -> pd.Series:
        home = is_home_page(df["source_url"])
        passes = ~home
        # only the few rows citing a home page need their note read
        passes[home] = names_a_document(df.loc[home, "source_note"])
        return passes


class DeepLinkRules(pa.DataFrameModel):
    """For models with a source_url but no source_note: a home page is never enough."""

    @pa.check("source_url", name="home_page_is_no_source")
    def home_page_is_no_source(cls, urls: pd.Series) -> pd.Series:
        return ~is_home_page(urls)
