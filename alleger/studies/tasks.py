"""The study of a big grid is computed by the job queue (huey), not in the request."""

from huey.contrib.djhuey import db_task


@db_task(retries=1, retry_delay=30)
def compute(study_id: int) -> None:
    from .models import Study
    from .services import study_compute

    study = Study.objects.filter(pk=study_id).first()
    if study is not None:
        study_compute(study=study)
