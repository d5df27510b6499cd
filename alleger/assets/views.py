from django.shortcuts import get_object_or_404, render

from .models import Asset


def asset_detail(request, pk: int):
    asset = get_object_or_404(Asset.objects.select_related("asset_type", "territory"), pk=pk,
                              moderation=Asset.Moderation.PUBLISHED)
    return render(request, "assets/detail.html", {"asset": asset})
