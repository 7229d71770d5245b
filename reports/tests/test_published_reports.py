"""An analyst publishes a finished public-edition report; everyone then reads it at /reports/published/. A
partner edition cannot be published, and an unpublished report's files are not found by the public."""

from core.roles import Role
from core.testing.factories import user
from reports.models import ReportJob
from reports.services.jobs import job_folder


def _done_job(edition: str) -> ReportJob:
    job = ReportJob.objects.create(kind="annual", year=2024, financial=True, edition=edition, status="done",
                                   files=["annual.html", "data/headline.csv"])
    (job_folder(job) / "data").mkdir(parents=True)
    (job_folder(job) / "annual.html").write_text("<p>Annual report</p>")
    (job_folder(job) / "data" / "headline.csv").write_text("measure,count\nviolence,120\n")
    return job


def test_an_analyst_publishes_a_public_edition_and_everyone_reads_it(client, db) -> None:
    public, partner = _done_job("public"), _done_job("partner")
    assert client.get(f"/reports/published/{public.pk}/annual.html").status_code == 404
    assert "No report has been published yet" in client.get("/reports/published/").content.decode()

    client.force_login(user(Role.ANALYST, None, "publishing-analyst"))
    assert client.post(f"/reports/jobs/{public.pk}/publish/").status_code == 302
    refused = client.post(f"/reports/jobs/{partner.pk}/publish/")
    assert refused.status_code == 400 and "partner edition is not disclosure-controlled" in refused.content.decode()
    partner.refresh_from_db()
    assert partner.published_at is None

    client.logout()
    listing = client.get("/reports/published/").content.decode()
    assert f"/reports/published/{public.pk}/annual.html" in listing and f"/{partner.pk}/" not in listing
    assert client.get(f"/reports/published/{public.pk}/annual.html").status_code == 200
    assert client.get(f"/reports/published/{public.pk}/data/headline.csv").status_code == 200
    assert client.get(f"/reports/published/{partner.pk}/annual.html").status_code == 404
    assert client.get(f"/reports/jobs/{public.pk}/files/annual.html").status_code == 302  # the job page: analysts

    client.force_login(user(Role.ANALYST, None, "withdrawing-analyst"))
    client.post(f"/reports/jobs/{public.pk}/publish/", {"withdraw": "1"})
    client.logout()
    assert client.get(f"/reports/published/{public.pk}/annual.html").status_code == 404
