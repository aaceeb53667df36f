"""A CKAN portal through its Action API (ckanapi): `ckan+https://host?organization=NAME`.

One CKAN dataset per dataset of `schemas.DATASETS`, named `<prefix><name>` (prefix
`<slug>-international-`, the slug of metadata.toml's [municipality], unless the URL
says `&prefix=...`; `&datastore=off` leaves the DataStore alone), with one resource per
file of that dataset (CSV, Parquet, JSON). The release-wide files (datapackage.json,
catalog.*, index.csv) are not uploaded: the portal publishes its own catalogue.

Upsert: `package_show` by name, then create or patch. A new dataset is created private
and made public only after its resources are in, so nobody sees it half-filled.
Resources are matched by name; each carries `hash = sha256:<hex>`, and a resource with
the same hash is left alone. The CSV resource's rows also go into CKAN's DataStore as a
typed table with its Data Dictionary (flows.publish.ckan_datastore). The resources
list is never sent with a package (CKAN would delete every resource missing from it):
resources change one by one.

Environment: PARTNERSHIPS_CKAN_API_TOKEN (required); PARTNERSHIPS_CKAN_ORGANIZATION
when the URL names no organization.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from flows.describe.metadata import Metadata, MetadataError, load_metadata
from flows.publish import credentials
from flows.publish.base import (
    AuthenticationFailed,
    PublishRejected,
    PublishResult,
    TargetError,
    TransientTargetError,
    sha256_file,
)
from flows.publish.ckan_datastore import sync_datastore
from flows.write.datasets import dataset_files
from schemas import DATASETS, Dataset

TOKEN_VAR = "PARTNERSHIPS_CKAN_API_TOKEN"
ORGANIZATION_VAR = "PARTNERSHIPS_CKAN_ORGANIZATION"
FORMAT_LABELS = {"csv": "CSV", "parquet": "Parquet", "json": "JSON"}
MIMETYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}


class CkanTarget:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise PublishRejected(
                f"{parts.scheme}://{parts.hostname}: do not put credentials into the URL; "
                f"set {TOKEN_VAR}"
            )
        if not parts.hostname:
            raise PublishRejected(f"{url}: no host given (expected ckan+https://host)")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        scheme = parts.scheme.removeprefix("ckan+")
        self.address = urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        self.display = f"ckan+{self.address}"
        self.organization = query.get("organization") or os.environ.get(ORGANIZATION_VAR)
        if not self.organization:
            raise PublishRejected(
                f"{self.display}: no organization: add ?organization=NAME or set {ORGANIZATION_VAR}"
            )
        self.catalog = catalog_metadata()
        slug = self.catalog.municipality.slug
        self.prefix = query.get("prefix", f"{slug}-international-")
        self.user_agent = f"{slug}-partnerships-publisher"
        #: `&datastore=off` for a CKAN without the datastore plugin
        self.datastore = query.get("datastore", "on") != "off"
        (self.token,) = credentials.require(self.display, TOKEN_VAR)

    def package_name(self, ds: Dataset) -> str:
        return (self.prefix + ds.name).lower().replace("_", "-")


def package_fields(
    ds: Dataset, organization: str, catalog: Metadata | None = None
) -> dict[str, Any]:
    """The CKAN dataset's own fields (never its resources), from the schemas and metadata."""
    catalog = catalog or catalog_metadata()
    described = catalog.datasets[ds.name]
    fields: dict[str, Any] = {"owner_org": organization}
    extras = {"title_en": described.title_en, "description_en": described.description_en}
    extras["primary_key"] = ",".join(ds.primary_key)
    fields["license_id"] = catalog.license.uri
    fields["author"] = catalog.publisher.name
    fields["author_email"] = catalog.publisher.email or ""
    fields["maintainer"] = catalog.contact_point.name
    fields["maintainer_email"] = catalog.contact_point.email or ""
    fields["url"] = catalog.contact_point.url or catalog.publisher.url or ""
    fields["tags"] = [{"name": keyword} for keyword in described.keywords_de]
    extras["themes"] = " ".join(described.theme_uris())
    extras["accrual_periodicity"] = catalog.frequency_uri
    extras["keywords_en"] = ", ".join(described.keywords_en)
    if catalog.attribution:
        extras["attribution"] = catalog.attribution
    # the dataset's page on the release's website (flows.site), as dcat:landingPage
    extras["landing_page"] = catalog.landing_page(ds.name)
    fields["title"] = described.title_de
    fields["notes"] = described.description_de
    fields["extras"] = [{"key": k, "value": v} for k, v in sorted(extras.items()) if v]
    return fields


def catalog_metadata() -> Metadata:
    """metadata.toml's facts (municipality, licence, publisher, keywords)."""
    try:
        return load_metadata()
    except MetadataError as error:
        raise PublishRejected(f"cannot describe the CKAN datasets: {error}") from None


def differs(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a package_patch would change anything CKAN stores for these fields."""
    for key, value in wanted.items():
        have = current.get(key)
        if key == "owner_org":
            organization = current.get("organization") or {}
            if value not in (have, organization.get("name")):
                return True
        elif key == "tags":
            if sorted(t["name"] for t in have or []) != sorted(t["name"] for t in value):
                return True
        elif key == "extras":
            if {e["key"]: e["value"] for e in have or []} != {e["key"]: e["value"] for e in value}:
                return True
        elif (have or "") != (value or ""):
            return True
    return False


def resource_fields(title_de: str, path: Path, digest: str) -> dict[str, Any]:
    fmt = path.suffix.lstrip(".")
    label = FORMAT_LABELS[fmt]
    if path.name.endswith(".excel.csv"):
        label += ", Kopie für Tabellenkalkulationen / spreadsheet copy"
    return {
        "name": path.name,
        "format": FORMAT_LABELS[fmt],
        "mimetype": MIMETYPES[fmt],
        "description": f"{title_de} ({label})",
        "hash": f"sha256:{digest}",
    }


def publish_dataset(ckan, target: CkanTarget, ds: Dataset, files: list[Path]) -> PublishResult:
    from ckanapi import NotFound

    name = target.package_name(ds)
    result = PublishResult(target=target.display)
    wanted = package_fields(ds, target.organization or "", target.catalog)
    try:
        package = ckan.action.package_show(id=name)
    except NotFound:
        package = ckan.action.package_create(name=name, private=True, **wanted)
    existing = {r["name"]: r for r in package.get("resources", [])}
    for path in files:
        fields = resource_fields(wanted["title"], path, sha256_file(path))
        resource = existing.get(path.name)
        uploaded = False
        if resource is not None and resource.get("hash") == fields["hash"]:
            if any(resource.get(k) != v for k, v in fields.items()):
                resource = ckan.action.resource_patch(id=resource["id"], **fields)
                result.updated.append(path.name)
            else:
                result.unchanged.append(path.name)
        else:
            with open(path, "rb") as upload:
                if resource is None:
                    create = ckan.action.resource_create
                    resource = create(package_id=package["id"], upload=upload, **fields)
                else:
                    resource = ckan.action.resource_patch(
                        id=resource["id"], upload=upload, **fields
                    )
            uploaded = True
            result.uploaded.append(path.name)
            result.bytes_uploaded += path.stat().st_size
        is_table = target.datastore and path.name == f"{ds.name}.csv"
        if is_table and sync_datastore(ckan, ds, resource, path, uploaded):
            result.loaded.append(path.name)
    for stale in sorted(set(existing) - {p.name for p in files}):
        ckan.action.resource_delete(id=existing[stale]["id"])
        result.deleted.append(stale)
    # metadata last, and a new dataset becomes public only now that its files are in
    wanted["private"] = False
    wanted["state"] = "active"  # a dataset deleted on the portal comes back
    if differs(package, wanted):
        ckan.action.package_patch(id=package["id"], **wanted)
        result.updated.append(name)
    return result


def publish_ckan(release_folder: Path, url: str) -> PublishResult:
    import ckanapi
    import requests

    target = CkanTarget(url)
    result = PublishResult(target=target.display)
    try:
        with ckanapi.RemoteCKAN(
            target.address, apikey=target.token, user_agent=target.user_agent
        ) as ckan:
            for ds in DATASETS:
                files = [release_folder / name for name in dataset_files(ds)]
                files = [p for p in files if p.exists()]
                if files:
                    result.merge(publish_dataset(ckan, target, ds, files))
    except TargetError:
        raise
    except ckanapi.NotAuthorized as error:
        raise AuthenticationFailed(f"{target.display}: not authorized: {error}") from None
    except (ckanapi.ValidationError, ckanapi.NotFound, ckanapi.SearchError) as error:
        raise PublishRejected(f"{target.display}: {type(error).__name__}: {error}") from None
    except ckanapi.CKANAPIError as error:
        if "Action name not known: datastore_" in str(error):
            raise PublishRejected(
                f"{target.display}: the portal has no DataStore (the datastore plugin); "
                "add &datastore=off to the URL to publish the files only"
            ) from None
        raise TransientTargetError(f"{target.display}: {type(error).__name__}: {error}") from error
    except (requests.RequestException, OSError) as error:
        raise TransientTargetError(f"{target.display}: {type(error).__name__}: {error}") from error
    return result
