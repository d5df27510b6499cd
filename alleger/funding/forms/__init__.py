"""Forms of the funding pages. They parse what people type; the services decide.

Money is typed in euros ("12,50", "12.50", "1 200") and reaches the services
as integer cents, converted with Decimal: never a float on the way.
"""

from .contributions import (  # noqa: F401
    ContributeForm,
    OfferForm,
    OfferStatusForm,
    RepaymentForm,
    ResourceOfferForm,
    SupportForm,
)
from .projects import (  # noqa: F401
    NeedForm,
    ProjectFilterForm,
    ProjectForm,
    ReviewForm,
    RewardForm,
    StretchGoalForm,
    UpdateForm,
)
from .sponsors import PoolForm, TopUpForm  # noqa: F401
