"""When a self-pay client's Good Faith Estimate is due, under 45 CFR 149.610(b)(1)(vi) (86 FR 55980).

A self-pay request counts as asking for an estimate (CMS treats a question about cost as one). Under 3
business days' notice the rule sets no deadline, so it is due by the appointment. Not legal advice: see
docs/guide-front-desk.md.
"""

import enum
from dataclasses import dataclass
from datetime import date

from scheduling.business_days import business_days_after, business_days_between

SHORT_NOTICE_BUSINESS_DAYS = 3  # At least this many business days ahead: rule (A).
LONG_NOTICE_BUSINESS_DAYS = 10  # At least this many: rule (B).


class DeadlineRule(enum.Enum):
    REQUESTED = "3 business days after the request"
    SCHEDULED = "1 business day after scheduling (appointment 3–9 business days ahead)"
    SCHEDULED_EARLY = "3 business days after scheduling (appointment 10 or more business days ahead)"
    SHORT_NOTICE = "by the appointment (scheduled less than 3 business days ahead: no deadline in the rule)"


@dataclass(frozen=True)
class Deadline:
    due_on: date
    rule: DeadlineRule


def good_faith_estimate_deadline(
    *, requested_on: date, scheduled_on: date | None = None, appointment_on: date | None = None
) -> Deadline:
    """The earliest deadline that applies: the request's, and the scheduling's once an appointment is made."""
    deadlines = [Deadline(business_days_after(requested_on, 3), DeadlineRule.REQUESTED)]
    if scheduled_on is not None and appointment_on is not None:
        notice = business_days_between(scheduled_on, appointment_on)
        if notice >= LONG_NOTICE_BUSINESS_DAYS:
            deadlines.append(Deadline(business_days_after(scheduled_on, 3), DeadlineRule.SCHEDULED_EARLY))
        elif notice >= SHORT_NOTICE_BUSINESS_DAYS:
            deadlines.append(Deadline(business_days_after(scheduled_on, 1), DeadlineRule.SCHEDULED))
        else:
            deadlines.append(Deadline(appointment_on, DeadlineRule.SHORT_NOTICE))
    # min() keeps the first of equal dates: the request's rule is named when both fall on the same day.
    return min(deadlines, key=lambda deadline: deadline.due_on)
