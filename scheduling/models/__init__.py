"""The scheduling app's models; import each name from its module (`availability` builds on `appointments`,
`page` on the forms and services). This package only loads them, so Django registers every model."""

from scheduling.models import appointments, availability, page  # noqa: F401
