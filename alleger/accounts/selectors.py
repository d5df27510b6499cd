from django.utils import timezone

from . import personal_data
from .models import User


def personal_data_export(user: User) -> dict:
    """Everything the platform holds about a person, as JSON-serialisable data (RGPD art. 20)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "neighbourhood": user.neighbourhood.name if user.neighbourhood else None,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "avatar": user.avatar.url if user.avatar else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in user.emailaddress_set.order_by("pk")
        ],
        "api_tokens": [
            {"name": t.name, "hint": t.hint, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
            for t in user.api_tokens.order_by("pk")
        ],
        "organisations": [
            {"organisation": m.organisation.name, "role": m.role, "joined_at": m.joined_at.isoformat()}
            for m in user.memberships.select_related("organisation").order_by("pk")
        ],
        "territory_roles": [
            {"territory": r.territory.name, "role": r.role}
            for r in user.territory_roles.select_related("territory").order_by("pk")
        ],
        # Contributions, bookings, comments, interventions, reports: each app adds its own (personal_data).
        **personal_data.exports(user),
    }
