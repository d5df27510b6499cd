"""The holder says which shared place the project creates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.places import ProjectPlaceForm
from ..services.places import project_set_place
from ._shared import _project_for, _refusal_message


@login_required
@require_POST
def project_place(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    form = ProjectPlaceForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("funding:edit", slug=project.slug)
    try:
        project_set_place(project=project, actor=request.user, place=form.cleaned_data["place"])
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        messages.success(request, _("Le lieu créé par le projet est enregistré."))
    return redirect("funding:edit", slug=project.slug)
