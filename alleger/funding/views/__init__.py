"""Pages of the crowdfunding track.

Each view is thin: a form parses the input, a permission decides, a service
writes or a selector reads, a template renders. A refusal from a service
(`Refused`, a ValidationError) is shown to the person and changes nothing.
"""

from .contributing import cancel, contribute, my_contributions  # noqa: F401
from .holding import (  # noqa: F401
    contributors_csv,
    loan_repayment,
    manage,
    need_add,
    offer_status,
    post_update,
    project_create,
    project_edit,
    project_submit,
    reward_add,
    reward_edit,
    reward_remove,
    rewards_fulfilled,
    stretch_goal_add,
)
from .moderation import (  # noqa: F401
    confirm_receipt,
    confirm_returned,
    offline_payments,
    project_review,
    review_queue,
)
from .places import project_place  # noqa: F401
from .public import (  # noqa: F401
    call_detail,
    follow,
    news_stop,
    offer,
    offer_resource,
    project_detail,
    project_list,
    support,
)
from .sponsoring import pool_create, pool_matches_csv, pool_top_up, sponsor_dashboard  # noqa: F401
