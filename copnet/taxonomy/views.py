from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from copnet.accounts.decorators import require_perm
from copnet.accounts.permissions import Perm

from .forms import HarmCategoryForm
from .models import HarmCategory
from .services import do_save_category


@require_perm(Perm.MANAGE_TAXONOMY)
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "taxonomy/category_list.html",
        {"categories": HarmCategory.objects.select_related("default_lead")},
    )


@require_perm(Perm.MANAGE_TAXONOMY)
def category_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    category = get_object_or_404(HarmCategory, code=code) if code else HarmCategory()
    form = HarmCategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        do_save_category(
            category=form.save(commit=False),
            actor=request.user,
            supporting=form.cleaned_data["default_supporting"],
        )
        messages.success(request, _("The category was saved."))
        return redirect("taxonomy:list")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": category.name if category.pk else _("New harm category")},
    )
