"""The scheduling app's models, in two modules so that they import one way.

`appointments` holds the data (requests, their choices, their notification
deliveries) and imports nothing else of this app; `availability` (booking rules,
weekly hours, exceptions, held times) builds on it. `page` holds the scheduling
page, whose routes take requests through `scheduling.forms` and
`scheduling.services`, which build on `appointments`. Import each name from
its module; this package only loads both, so Django registers every model.
"""

from scheduling.models import appointments, availability, page  # noqa: F401
