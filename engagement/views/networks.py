"""Networks: membership at the start and end of a year; a network's members, joining and leaving."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from core.access import allow, role_of
from core.problems import InputRejected
from core.render import form_page
from core.roles import ANALYSTS_AND_COMMISSIONERS, COMMISSIONERS
from engagement.forms import LeavingForm, MemberForm, NetworkForm
from engagement.models import Network, NetworkMembership
from engagement.services.networks import (
    add_member,
    create_network,
    decide_declaration,
    member_on,
    membership_in_year,
    record_leaving,
)
from engagement.views.sessions import object_id
from monitoring.services.periods import financial_year_bounds, financial_year_label, financial_year_of


def year_from(request: HttpRequest) -> int:
    """The financial year asked for (``?year=2024`` for 2024/25), else the current one."""
    text = request.GET.get("year", "")
    if not text:
        return financial_year_of(timezone.localdate())
    if not text.isdecimal() or not 2000 <= int(text) <= 2100:
        raise Http404("A year is written like 2024 (for 2024/25).")
    return int(text)


def _years() -> list[int]:
    now = financial_year_of(timezone.localdate())
    return list(range(now, now - 6, -1))


@allow(ANALYSTS_AND_COMMISSIONERS)
def networks(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    form = NetworkForm(request.POST or None)
    if request.method == "POST":
        if role_of(request.user) not in COMMISSIONERS:
            raise PermissionDenied
        if form.is_valid():
            network = create_network(request.user, form.save(commit=False))
            return redirect("engagement:network", network_id=network.pk)
    first, last = financial_year_bounds(year)
    return form_page(request, "engagement/networks.html", {
        "rows": zip(Network.objects.all(), membership_in_year(year), strict=True), "year": year, "years": _years(),
        "year_label": financial_year_label(year), "first": first, "last": last, "form": form,
        "can_manage": role_of(request.user) in COMMISSIONERS}, form)


@allow(ANALYSTS_AND_COMMISSIONERS)
def network_page(request: HttpRequest, network_id: int) -> HttpResponse:
    """The network's members today, those who left, declarations waiting; add a member or decide one."""
    network = get_object_or_404(Network, pk=network_id)
    can_manage = role_of(request.user) in COMMISSIONERS
    form = MemberForm(request.POST if request.method == "POST" and "add" in request.POST else None)
    problems: list = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "decide" in request.POST:
            membership = get_object_or_404(network.memberships, pk=object_id(request.POST.get("membership")),
                                           is_confirmed=False)
            decide_declaration(request.user, membership, request.POST["decide"] == "confirm")
            messages.success(request, "Declaration confirmed." if request.POST["decide"] == "confirm"
                             else "Declaration rejected.")
            return redirect("engagement:network", network_id=network.pk)
        if form.is_bound and form.is_valid():
            membership = form.save(commit=False)
            membership.network = network
            try:
                add_member(request.user, membership)
            except InputRejected as exc:
                problems = exc.problems
            else:
                messages.success(request, f"{membership.member_name} added.")
                return redirect("engagement:network", network_id=network.pk)
    today = timezone.localdate()
    memberships = network.memberships.select_related("organisation", "directory_organisation")
    return form_page(request, "engagement/network.html", {
        "network": network, "current": memberships.filter(member_on(today)),
        "past": memberships.filter(is_confirmed=True, left_on__lte=today),
        "future": memberships.filter(is_confirmed=True, joined_on__gt=today),
        "pending": memberships.filter(is_confirmed=False), "form": form, "problems": problems,
        "can_manage": can_manage, "today": today}, form, problems=problems)


@allow(COMMISSIONERS)
def member_leaving(request: HttpRequest, network_id: int, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(NetworkMembership, pk=membership_id, network_id=network_id)
    form = LeavingForm(request.POST or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            record_leaving(request.user, membership, form.cleaned_data["left_on"])
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, f"{membership.member_name} left on {membership.left_on:%d %B %Y}.")
            return redirect("engagement:network", network_id=network_id)
    return form_page(request, "engagement/leaving.html", {"membership": membership, "form": form,
                                                          "problems": problems},
                     form, problems=problems)
