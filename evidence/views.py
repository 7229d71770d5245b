"""Evidence pages: search with facets, item pages, attachments, the catalogue export, editors' forms."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from commissioning.models import Theme
from core.access import allow
from core.downloads import table_response
from core.problems import InputRejected
from core.public_cache import public_page
from core.render import form_page
from core.request_limits import accepts_uploads
from core.roles import ANALYSTS, EVERYONE
from evidence.forms import AttachmentForm, ItemForm, SearchForm
from evidence.models import Design, EvidenceItem, ImpactBand, Kind
from evidence.services.attachments import stored_path
from evidence.services.items import add_attachment, may_edit, save_item, search_scope, visible_items
from evidence.services.search import SearchFilters, search

CATALOGUE_COLUMNS = ["id", "title", "kind", "summary", "authors", "organisations", "published_on", "themes",
                     "intervention_type", "settings", "age_from", "age_to", "design", "sample_size", "findings",
                     "yef_impact_band", "yef_impact_percent", "yef_evidence_quality", "yef_cost", "emmie_effect",
                     "emmie_mechanism", "emmie_moderators", "emmie_implementation", "emmie_economic",
                     "visibility", "status", "area_codes", "projects", "links"]
FACET_LABELS = {"kind": dict(Kind.choices), "design": dict(Design.choices), "impact": dict(ImpactBand.choices),
                "theme": dict(Theme.choices)}


def _search(request: HttpRequest, limit: int) -> tuple[SearchForm, object]:
    form = SearchForm(request.GET or None)
    filters = form.filters() if form.is_valid() else SearchFilters()
    page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdecimal() else 1, 1)
    return form, search(search_scope(request.user), filters, limit=limit, offset=(page - 1) * limit), page


@allow(EVERYONE)
@public_page
def search_page(request: HttpRequest) -> HttpResponse:
    """Search titles, summaries, findings and attached documents; refine by kind, theme, design, rating, year."""
    form, result, page = _search(request, limit=25)
    query = request.GET.copy()
    query.pop("page", None)
    facets = {name: [(value, FACET_LABELS.get(name, {}).get(value, value), count) for value, count in values]
              for name, values in result.facets.items()}
    return form_page(request, "evidence/search.html", {
     "form": form, "result": result, "facets": facets, "page": page, "query_string": query.urlencode(),
     "has_next": page * 25 < result.total, "can_edit": may_edit(request.user)}, form)


@allow(EVERYONE)
@public_page
def catalogue(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every matching item the visitor may see, as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404("The catalogue comes as csv or json.")
    form, result, _ = _search(request, limit=100_000)
    items = EvidenceItem.objects.filter(pk__in=[i.pk for i in result.items]).prefetch_related("projects")
    by_id = {i.pk: i for i in items}
    rows = []
    for listed in result.items:
        item = by_id[listed.pk]
        row = {c: getattr(item, c, "") for c in CATALOGUE_COLUMNS}
        row.update({"themes": ";".join(item.themes or []), "settings": ";".join(item.settings or []),
                    "area_codes": ";".join(item.area_codes or []),
                    "projects": ";".join(p.identifier for p in item.projects.all() if p.is_published),
                    "links": " ".join(link["url"] for link in item.links or [])})
        rows.append(row)
    return table_response(rows, CATALOGUE_COLUMNS, fmt, "evidence", {"filters": request.GET.dict()})


def _visible(request: HttpRequest, pk: int) -> EvidenceItem:
    return get_object_or_404(visible_items(request.user), pk=pk)


@allow(EVERYONE)
@public_page(params=())
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible(request, pk)
    from monitoring.services.scope import projects_in_scope

    projects = [p for p in item.projects.select_related("provider") if p.is_published
                or p in projects_in_scope(request.user)]
    return render(request, "evidence/item.html", {
        "item": item, "projects": projects, "can_edit": may_edit(request.user),
        "emmie": [("Effect", item.emmie_effect), ("Mechanism", item.emmie_mechanism),
                  ("Moderators", item.emmie_moderators), ("Implementation", item.emmie_implementation),
                  ("Economic cost", item.emmie_economic)]})


@allow(EVERYONE)
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    item = _visible(request, pk)
    attachment = get_object_or_404(item.attachments, pk=attachment_id)
    path = stored_path(attachment.stored_name)
    if not path.exists():
        raise Http404("The file is missing from storage.")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allow(ANALYSTS)
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(EvidenceItem, pk=pk) if pk else None
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = save_item(request.user, form.save(commit=False), list(form.cleaned_data["projects"]))
        messages.success(request, "Saved.")
        return redirect("evidence:item", pk=saved.pk)
    return form_page(request, "evidence/edit.html", {"form": form, "item": item,
                                                     "attachment_form": AttachmentForm() if item else None}, form)


@allow(ANALYSTS)
@accepts_uploads
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(EvidenceItem, pk=pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            problems = [f"{upload.name}: the file is larger than 20 MB"]
        else:
            try:
                attachment = add_attachment(request.user, item, upload.name, upload.read())
            except InputRejected as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Attached {attachment.original_name}."
                                 + (f" Note: {attachment.extraction_note}" if attachment.extraction_note else ""))
                return redirect("evidence:item", pk=item.pk)
    return form_page(request, "evidence/edit.html", {"form": ItemForm(instance=item), "item": item,
                                                     "attachment_form": form, "problems": problems},
                     form, problems=problems)


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "schema": schema}


OPENAPI_PATHS = {
    "/evidence/catalogue.json": {"get": {
        "summary": "The evidence catalogue the viewer may see", "operationId": "evidence_catalogue",
        "parameters": [_query("q", {"type": "string", "maxLength": 200}),
                       _query("kind", {"type": "string"}), _query("theme", {"type": "string"}),
                       _query("design", {"type": "string"}), _query("impact", {"type": "string"}),
                       _query("year", {"type": "integer"}), _query("area", {"type": "string", "maxLength": 9})],
        "responses": {"200": {"description": "filters and one row per item"}}}},
}
