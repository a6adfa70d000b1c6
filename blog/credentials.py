"""Colorado's mental-health credentials (C.R.S. title 12, article 245): their boards and what each requires.

A disclosure statement lists each license "including the education, experience, and training" needed to get it
(C.R.S. 12-245-216(1)(b)(II)). The summaries are plain-language defaults a clinician can reword on their
profile; see docs/guide-clinician.md. Not legal advice."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models


class LicenseType(models.TextChoices):
    PSYCHOLOGIST = "psychologist", "Licensed Psychologist"
    PSYCHOLOGIST_CANDIDATE = "psychologist_candidate", "Psychologist Candidate"
    CLINICAL_SOCIAL_WORKER = "lcsw", "Licensed Clinical Social Worker (LCSW)"
    SOCIAL_WORKER = "lsw", "Licensed Social Worker (LSW)"
    SOCIAL_WORKER_CANDIDATE = "swc", "Clinical Social Worker Candidate (SWC)"
    MARRIAGE_FAMILY_THERAPIST = "lmft", "Licensed Marriage and Family Therapist (LMFT)"
    MARRIAGE_FAMILY_THERAPIST_CANDIDATE = "mftc", "Marriage and Family Therapist Candidate (MFTC)"
    PROFESSIONAL_COUNSELOR = "lpc", "Licensed Professional Counselor (LPC)"
    PROFESSIONAL_COUNSELOR_CANDIDATE = "lpcc", "Licensed Professional Counselor Candidate (LPCC)"
    ADDICTION_COUNSELOR = "lac", "Licensed Addiction Counselor (LAC)"
    REGISTERED_PSYCHOTHERAPIST = "registered_psychotherapist", "Registered Psychotherapist (unlicensed)"


@dataclass(frozen=True)
class Credential:
    board: str
    requirements: str
    candidate: bool = False  # Practices only under supervision, while completing what licensure needs.


PSYCHOLOGY = "State Board of Psychologist Examiners"
SOCIAL_WORK = "State Board of Social Work Examiners"
MARRIAGE_FAMILY = "State Board of Marriage and Family Therapist Examiners"
COUNSELING = "State Board of Licensed Professional Counselor Examiners"
ADDICTION = "State Board of Addiction Counselor Examiners"
UNLICENSED = "State Board of Unlicensed Psychotherapists"

CREDENTIALS = {
    LicenseType.PSYCHOLOGIST: Credential(
        PSYCHOLOGY,
        "A Licensed Psychologist holds a doctoral degree in psychology, has completed at least one year of "
        "supervised experience after the doctorate, and has passed the national and Colorado licensing exams.",
    ),
    LicenseType.PSYCHOLOGIST_CANDIDATE: Credential(
        PSYCHOLOGY,
        "A Psychologist Candidate holds a doctoral degree in psychology and is completing, under supervision, "
        "the post-doctoral experience needed for a license.",
        candidate=True,
    ),
    LicenseType.CLINICAL_SOCIAL_WORKER: Credential(
        SOCIAL_WORK,
        "A Licensed Clinical Social Worker holds a master’s or doctoral degree in social work, has completed two "
        "years of supervised clinical practice after the degree, and has passed the licensing exam.",
    ),
    LicenseType.SOCIAL_WORKER: Credential(
        SOCIAL_WORK,
        "A Licensed Social Worker holds a master’s or doctoral degree in social work and has passed the "
        "licensing exam.",
    ),
    LicenseType.SOCIAL_WORKER_CANDIDATE: Credential(
        SOCIAL_WORK,
        "A Clinical Social Worker Candidate holds a master’s or doctoral degree in social work and is completing, "
        "under supervision, the clinical practice needed for a clinical license.",
        candidate=True,
    ),
    LicenseType.MARRIAGE_FAMILY_THERAPIST: Credential(
        MARRIAGE_FAMILY,
        "A Licensed Marriage and Family Therapist holds a master’s or doctoral degree in marriage and family "
        "therapy or a related field, has completed two years of supervised practice after the degree, and has "
        "passed the licensing exam.",
    ),
    LicenseType.MARRIAGE_FAMILY_THERAPIST_CANDIDATE: Credential(
        MARRIAGE_FAMILY,
        "A Marriage and Family Therapist Candidate holds the degree needed for a license and is completing, "
        "under supervision, the practice needed for it.",
        candidate=True,
    ),
    LicenseType.PROFESSIONAL_COUNSELOR: Credential(
        COUNSELING,
        "A Licensed Professional Counselor holds a master’s or doctoral degree in professional counseling, has "
        "completed two years of supervised practice after the degree, and has passed the licensing exam.",
    ),
    LicenseType.PROFESSIONAL_COUNSELOR_CANDIDATE: Credential(
        COUNSELING,
        "A Licensed Professional Counselor Candidate holds the degree needed for a license and is completing, "
        "under supervision, the practice needed for it.",
        candidate=True,
    ),
    LicenseType.ADDICTION_COUNSELOR: Credential(
        ADDICTION,
        "A Licensed Addiction Counselor holds a master’s or doctoral degree in a clinical behavioral health field, "
        "has completed the required addiction counseling training and supervised experience, and has passed the "
        "licensing exam.",
    ),
    LicenseType.REGISTERED_PSYCHOTHERAPIST: Credential(
        UNLICENSED,
        "A registered psychotherapist is listed in the state’s database of psychotherapists. No degree, training, "
        "experience or exam is required for the registration.",
    ),
}

# The states that may issue a license: the US states, DC and the territories, as two-letter codes.
US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI"
)
_LICENSE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9.\- ]{1,28}[A-Z0-9]$")


def license_number_clean(value: str) -> str:
    """A license number as DORA's lookup shows it (e.g. "PSY.0004567"): upper case, no stray spaces."""
    number = " ".join(value.split()).upper()
    if number and (not _LICENSE_NUMBER.match(number) or not any(char.isdigit() for char in number)):
        raise ValidationError("Enter the number as on the license, e.g. PSY.0004567.", code="invalid")
    return number
