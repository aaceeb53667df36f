"""Publishing to a real CKAN 2.12 (PostgreSQL, Redis, Solr stand-in) on 127.0.0.1."""

from __future__ import annotations

import hashlib
import time
import urllib.request
from pathlib import Path

import ckanapi
import pytest
from servers import free_port
from servers.ckan import CkanServer, ckan  # noqa: F401 - fixture
from servers.release import release  # noqa: F401 - fixture

from flows.publish import targets
from flows.publish.ckan import CkanTarget, catalog_metadata, package_fields
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

    second = targets.publish(release, url)

    assert not second.transferred, second.summary()
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
    (copy / "events.csv").write_bytes(b"changed\r\n")
    (copy / "events.parquet").unlink()

    result = targets.publish(copy, url)

    assert result.uploaded == ["events.csv"]
    assert result.deleted == ["events.parquet"]
    after = {r["name"]: r for r in remote.action.package_show(id="ch-events")["resources"]}
    assert sorted(after) == ["events.csv", "events.excel.csv", "events.json"]
    kept = next(r for r in before if r["name"] == "events.csv")
    assert after["events.csv"]["id"] == kept["id"]  # patched in place, not replaced
    assert download(after["events.csv"]["url"], ckan_env.token) == b"changed\r\n"


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
    broken.write_text("[license]\nid = 'no-such-licence'\n")
    monkeypatch.setenv("PARTNERSHIPS_METADATA", str(broken))
    monkeypatch.setenv("PARTNERSHIPS_CKAN_API_TOKEN", "t")
    url = f"ckan+http://127.0.0.1:{free_port()}?organization=x"  # nothing listens there
    with pytest.raises(targets.PublishRejected, match="license"):
        targets.publish(release, url)
