from django.core.management.base import BaseCommand

from alleger.funding.services.projects import send_last_48_hours_reminders
from alleger.funding.services.settlement import settle_due


class Command(BaseCommand):
    help = ("Settle campaigns whose deadline has passed (capture or refund, commission, payout) and send "
            "the 48-hour reminders. Idempotent: run it every few minutes; a repeat changes nothing.")

    def handle(self, *args, **options):
        reminders = send_last_48_hours_reminders()
        reports = settle_due()
        for r in reports:
            self.stdout.write(
                f"project {r.project_id}: {r.outcome} captured={r.captured} capture_failed={r.capture_failed} "
                f"dropped={r.dropped} voided={r.voided} refunded={r.refunded} paid_out={r.paid_out}"
                + ("".join(f"\n  ! {n}" for n in r.notes))
            )
        self.stdout.write(f"{len(reports)} project(s) settled, {reminders} reminder(s) sent")
