from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm

from .forms import RoutingRuleForm
from .models import ProvincialRule, RoutingRule
from .services import do_save_rule


@require_perm(Perm.MANAGE_TAXONOMY)
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = RoutingRule.objects.select_related("category", "lead").prefetch_related("supporting")
    provincial = ProvincialRule.objects.select_related("category")
    return render(
        request, "routing/rule_list.html", {"rules": rules, "provincial_rules": provincial}
    )


@require_perm(Perm.MANAGE_TAXONOMY)
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else RoutingRule()
    form = RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        do_save_rule(
            rule=form.save(commit=False),
            supporting=form.cleaned_data["supporting"],
            actor=request.user,
        )
        messages.success(request, _("The routing rule was saved."))
        return redirect("routing:list")
    return render(request, "core/form_page.html", {"form": form, "title": _("Routing rule")})
