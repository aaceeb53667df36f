"""Publishing to a real CKAN 2.12 (PostgreSQL, Redis, Solr stand-in) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import urllib.request
from pathlib import Path

import ckanapi
import pyarrow.parquet as pq
import pytest
from conftest import REPO
from servers import free_port
from servers.ckan import CkanServer, ckan  # noqa: F401 - fixture
from servers.release import release  # noqa: F401 - fixture

from flows.publish import targets
from flows.publish.ckan import CkanTarget, catalog_metadata, package_fields
from flows.publish.ckan_datastore import CKAN_TYPES
from flows.write.datasets import dataset_files
from schemas import DATASETS

pytestmark = pytest.mark.slow


@pytest.fixture
def ckan_env(ckan: CkanServer, monkeypatch) -> CkanServer:  # noqa: F811
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", ckan.token)
    monkeypatch.delenv("PARTNERSHIPS_CKAN_ORGANIZATION", raising=False)
    return ckan


def target_url(server: CkanServer, prefix: str) -> str:
    address = server.url.replace("http://", "ckan+http://")
    return f"{address}?organization={server.organization}&prefix={prefix}"


def download(url: str, token: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": token})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def test_publish_reads_back_and_second_publish_transfers_nothing(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    started = time.perf_counter()
    url = target_url(ckan_env, "rt-")
    data_files = [name for ds in DATASETS for name in dataset_files(ds)]

    first = targets.publish(release, url)

    assert first.uploaded == data_files
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    catalog = catalog_metadata()
    modified = {}
    for ds in DATASETS:
        package = remote.action.package_show(id=CkanTarget(url).package_name(ds))
        described = catalog.datasets[ds.name] if catalog is not None else None
        assert package["title"] == (described.title_de if described else ds.meta["title_de"])
        assert not package["private"]
        assert package["organization"]["name"] == ckan_env.organization
        if catalog is not None:  # metadata.toml's licence and keywords
            assert package["license_id"] == catalog.license.uri
            keywords = catalog.datasets[ds.name].keywords_de
            assert sorted(t["name"] for t in package["tags"]) == sorted(keywords)
        resources = {r["name"]: r for r in package["resources"]}
        assert sorted(resources) == sorted(dataset_files(ds))
        for name, resource in resources.items():
            digest = hashlib.sha256((release / name).read_bytes()).hexdigest()
            assert resource["hash"] == f"sha256:{digest}"
            served = download(resource["url"], ckan_env.token)
            assert hashlib.sha256(served).hexdigest() == digest, name
        modified[package["name"]] = package["metadata_modified"]

    assert sorted(first.loaded) == sorted(f"{ds.name}.csv" for ds in DATASETS)

    second = targets.publish(release, url)

    assert not second.transferred, second.summary()
    assert second.loaded == []
    assert second.unchanged == data_files
    assert "nothing transferred" in second.summary()
    for name, stamp in modified.items():
        assert remote.action.package_show(id=name)["metadata_modified"] == stamp
    print(f"ckan publish round trip: {time.perf_counter() - started:.2f} s")


def test_changed_file_patches_one_resource_and_keeps_the_others(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
    tmp_path: Path,
) -> None:
    copy = tmp_path / "release"
    copy.mkdir()
    for ds in DATASETS:
        for name in dataset_files(ds):
            (copy / name).write_bytes((release / name).read_bytes())
    url = target_url(ckan_env, "ch-")
    targets.publish(copy, url)
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    before = remote.action.package_show(id="ch-events")["resources"]
    lines = (copy / "events.csv").read_bytes().split(b"\r\n")
    shorter = b"\r\n".join([*lines[:-2], b""])  # the last row gone
    (copy / "events.csv").write_bytes(shorter)
    (copy / "events.parquet").unlink()

    result = targets.publish(copy, url)

    assert result.uploaded == ["events.csv"]
    assert result.loaded == ["events.csv"]
    assert result.deleted == ["events.parquet"]
    after = {r["name"]: r for r in remote.action.package_show(id="ch-events")["resources"]}
    assert sorted(after) == ["events.csv", "events.excel.csv", "events.json"]
    kept = next(r for r in before if r["name"] == "events.csv")
    assert after["events.csv"]["id"] == kept["id"]  # patched in place, not replaced
    assert download(after["events.csv"]["url"], ckan_env.token) == shorter
    # the DataStore table follows the file: the removed row is gone from it too
    table = remote.action.datastore_search(resource_id=kept["id"], limit=1000)
    assert table["total"] == len(lines) - 3  # header, the removed row, the final CRLF
    gone = lines[-2].split(b",")[0].decode()
    assert gone not in {r["event_id"] for r in table["records"]}


def datastore_resource(remote, url: str, ds) -> dict:
    package = remote.action.package_show(id=CkanTarget(url).package_name(ds))
    return next(r for r in package["resources"] if r["name"] == f"{ds.name}.csv")


def test_datastore_tables_are_typed_with_a_german_data_dictionary(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    url = target_url(ckan_env, "ds-")
    targets.publish(release, url)
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    for ds in DATASETS:
        resource = datastore_resource(remote, url, ds)
        assert resource["datastore_active"]
        info = remote.action.datastore_search(resource_id=resource["id"], limit=0)
        fields = {f["id"]: f for f in info["fields"] if f["id"] != "_id"}
        assert list(fields) == [c.name for c in ds.columns]
        for spec in ds.columns:
            field = fields[spec.name]
            # PostgreSQL names `int` int4
            assert field["type"] == {"int": "int4"}.get(wanted := CKAN_TYPES[spec.type], wanted)
            assert field["info"]["label"] == spec.label_de
            assert field["info"]["notes"] == spec.description_de
        rows = pq.read_metadata(release / f"{ds.name}.parquet").num_rows
        assert info["total"] == rows

    events = datastore_resource(remote, url, next(d for d in DATASETS if d.name == "events"))
    answer = remote.action.datastore_search_sql(
        sql=f"SELECT event_id, date_start, date_end, date_end - date_start AS days, year "
        f"FROM \"{events['id']}\" WHERE date_part('year', date_start) = 1977 "
        f"ORDER BY date_start LIMIT 5"
    )
    types = {f["id"]: f["type"] for f in answer["fields"]}
    # date arithmetic and date_part only work on real dates, not on text
    assert types["date_start"] == "date" and types["date_end"] == "date"
    assert types["days"] == "int4" and types["year"] == "int4"
    assert answer["records"], "raw/events.csv has events in 1977"
    for record in answer["records"]:
        start = dt.date.fromisoformat(record["date_start"])
        end = dt.date.fromisoformat(record["date_end"])
        assert start.year == record["year"] == 1977
        assert record["days"] == (end - start).days


def test_changed_field_definitions_recreate_the_table(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    url = target_url(ckan_env, "re-")
    targets.publish(release, url)
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    codelists = next(d for d in DATASETS if d.name == "codelists")
    resource = datastore_resource(remote, url, codelists)
    # as if an older release had loaded the table with other fields
    remote.action.datastore_delete(resource_id=resource["id"], force=True)
    remote.action.datastore_create(
        resource_id=resource["id"], fields=[{"id": "code", "type": "text"}], force=True
    )
    remote.action.resource_patch(id=resource["id"], datastore_fields_sha256="older")

    result = targets.publish(release, url)

    assert result.loaded == ["codelists.csv"] and result.uploaded == []
    info = remote.action.datastore_search(resource_id=resource["id"], limit=0)
    assert [f["id"] for f in info["fields"] if f["id"] != "_id"] == [
        c.name for c in codelists.columns
    ]
    assert not targets.publish(release, url).transferred


def test_wrong_token_is_an_authentication_error(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
    monkeypatch,
) -> None:
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", "not-a-valid-token")
    with pytest.raises(targets.AuthenticationFailed) as raised:
        targets.publish(release, target_url(ckan_env, "auth-"))
    assert "not-a-valid-token" not in str(raised.value)


def test_missing_token_or_organization_stop_before_any_request(monkeypatch) -> None:
    monkeypatch.delenv("PARTNERSHIPS_CKAN_API_TOKEN", raising=False)
    monkeypatch.delenv("PARTNERSHIPS_CKAN_ORGANIZATION", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with pytest.raises(targets.CredentialsMissing, match="PARTNERSHIPS_CKAN_API_TOKEN"):
        targets.check("ckan+http://127.0.0.1:9?organization=x")
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", "t")
    with pytest.raises(targets.PublishRejected, match="organization"):
        targets.check("ckan+http://127.0.0.1:9")


def test_a_file_over_the_portals_size_cap_is_rejected_not_retried(
    ckan_env: CkanServer,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "events.csv").write_bytes(b"x" * (11 * 1024 * 1024))  # CKAN's default cap: 10 MB
    with pytest.raises(targets.PublishRejected, match=r"(?i)too large"):
        targets.publish(folder, target_url(ckan_env, "big-"))


def test_a_description_edited_on_the_portal_is_restored_without_uploads(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    url = target_url(ckan_env, "ed-")
    targets.publish(release, url)
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    remote.action.package_patch(id="ed-partnerships", title="edited by hand")

    result = targets.publish(release, url)

    assert result.uploaded == [] and result.updated == ["ed-partnerships"]
    assert "updated the description of 1" in result.summary()
    partnerships = next(ds for ds in DATASETS if ds.name == "partnerships")
    package = remote.action.package_show(id="ed-partnerships")
    assert package["title"] == package_fields(partnerships, ckan_env.organization)["title"]
    assert len(package["resources"]) == len(dataset_files(partnerships))
    # the dataset's page on the release's website, as in the catalogue's dcat:landingPage
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert extras["landing_page"].endswith("/partnerships.html")


def test_a_dataset_deleted_on_the_portal_comes_back(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    url = target_url(ckan_env, "del-")
    targets.publish(release, url)
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    remote.action.package_delete(id="del-events")

    result = targets.publish(release, url)

    assert result.updated == ["del-events"]
    assert remote.action.package_show(id="del-events")["state"] == "active"


def test_invalid_metadata_stops_before_any_request(
    release: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch,
) -> None:
    broken = tmp_path / "metadata.toml"
    shipped = (REPO / "metadata.toml").read_text(encoding="utf-8")
    broken.write_text(shipped.replace('id = "dl-by-de/2.0"', "id = 'no-such-licence'"))
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(broken))
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", "t")
    url = f"ckan+http://127.0.0.1:{free_port()}?organization=x"  # nothing listens there
    with pytest.raises(targets.PublishRejected, match="license"):
        targets.publish(release, url)


def test_a_csv_that_does_not_fit_its_model_is_rejected_before_the_datastore(
    ckan_env: CkanServer,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "events.csv").write_bytes(b"changed\r\n")
    with pytest.raises(targets.PublishRejected, match=r"events\.csv: cannot load it"):
        targets.publish(folder, target_url(ckan_env, "bad-"))


def test_datastore_off_publishes_the_files_only(
    release: Path,  # noqa: F811
    ckan_env: CkanServer,
) -> None:
    url = target_url(ckan_env, "off-") + "&datastore=off"

    result = targets.publish(release, url)

    assert result.loaded == [] and result.uploaded
    remote = ckanapi.RemoteCKAN(ckan_env.url, apikey=ckan_env.token)
    for ds in DATASETS:
        assert not datastore_resource(remote, url, ds).get("datastore_active")
