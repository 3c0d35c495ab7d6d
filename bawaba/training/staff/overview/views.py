"""The training's staff home: the campaigns whose preselection is published, and the pages of each."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bawaba.accounts.permissions import APPLICATION_READERS, staff_page
from bawaba.training.selectors import campaigns_with_training


@require_GET
@staff_page(*APPLICATION_READERS)
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "training/staff/campaigns.html", {"campaigns": campaigns_with_training()})
