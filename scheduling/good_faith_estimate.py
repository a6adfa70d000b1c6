"""When a self-pay client's Good Faith Estimate is due, under 45 CFR 149.610(b)(1)(vi).

As published at 86 FR 55980 (2021-10-07): an estimate is due
  (A) no later than 1 business day after scheduling, for a service scheduled at least 3 business days ahead;
  (B) no later than 3 business days after scheduling, for one scheduled at least 10 business days ahead;
  (C) no later than 3 business days after the client asks for one.
The issue that asked for this said "10+ days"; the regulation says business days, and so does this module.
A self-pay appointment request counts as a request for an estimate (rule C), which is the careful reading:
CMS treats a question about the cost of care as a request. When an appointment is made less than 3 business
days ahead, the regulation sets no deadline; the estimate is then due by the appointment day, because one
that arrives after the session is no use to the client. Of the deadlines that apply, the earliest counts.
Not legal advice: see docs/guide-front-desk.md.
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
