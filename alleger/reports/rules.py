"""Who may do what with reports (signalements).

Reports are public (place, category, description, photo, status); the
reporter's identity and contact details are not, unless they chose to show
their name (see Report.public_reporter_name).
"""

import rules

from alleger.core.rules import is_active_account, is_platform_admin
from alleger.territories.rules import is_moderator_of


@rules.predicate
def moderates_report_territory(user, report) -> bool:
    return report is not None and is_moderator_of(user, report.territory)


@rules.predicate
def is_report_agent(user, report) -> bool:
    """An agent of the service the report's category is routed to."""
    return is_active_account(user) and report is not None and report.category.agents.filter(pk=user.pk).exists()


@rules.predicate
def is_reporter(user, report) -> bool:
    return is_active_account(user) and report is not None and report.reporter_id == user.pk


@rules.predicate
def is_open_report(user, report) -> bool:
    return report is not None and report.is_open


rules.add_perm("reports.view_report", rules.always_allow)
rules.add_perm("reports.add_report", is_active_account)
rules.add_perm("reports.change_status", moderates_report_territory | is_report_agent | is_platform_admin)
# The reporter may say "this is the same problem as that one" about their own open report.
rules.add_perm("reports.mark_own_duplicate", is_reporter & is_open_report)
rules.add_perm("reports.view_reporter", is_reporter | moderates_report_territory | is_report_agent
               | is_platform_admin)
# The object is a territory.
rules.add_perm("reports.configure_categories", is_moderator_of | is_platform_admin)
