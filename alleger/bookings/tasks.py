"""Background jobs (huey): a waitlist hold that nobody claimed passes to the next in line.

Queued with an ETA at the hold's deadline; idempotent (alleger.bookings.services.hold_expire), and the
periodic command `bookings_expire_holds` sweeps whatever the queue missed.
"""

from huey.contrib.djhuey import db_task

from . import services


@db_task(retries=3, retry_delay=30)
def expire_hold(booking_id: int) -> bool:
    return services.hold_expire(booking_id)
