"""schema.org structured data (JSON-LD) for the practice: the business on the home page, the publisher elsewhere."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from practice.models import PracticeDetails

# The same escapes as Django's json_script: the JSON can't close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block: data for search engines, never executed."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308  escaped above


def postal_address(details: PracticeDetails) -> dict | None:
    """The office as a schema.org PostalAddress, or None when no street address is set."""
    if not details.street_address:
        return None
    fields = {
        "streetAddress": details.street_address,
        "addressLocality": details.address_locality,
        "addressRegion": details.address_region,
        "postalCode": details.postal_code,
        "addressCountry": details.address_country,
    }
    return {"@type": "PostalAddress", **{key: value for key, value in fields.items() if value}}


def practice_business(*, details: PracticeDetails, url: str, description: str = "", image_url: str = "") -> dict:
    """The practice as a schema.org MedicalBusiness: a LocalBusiness (address, phone, hours) in health care,
    without claiming a specialty such as Psychiatric that a psychologist's practice is not."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalBusiness",
        "@id": f"{url}#practice",
        "name": details.practice_name,
        "url": url,
        "description": description,
        "telephone": details.telephone,
        "email": details.email,
        "image": image_url,
        "address": postal_address(details),
        "priceRange": details.price_range,
        "areaServed": details.service_area,
    }
    if details.latitude is not None and details.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(details.latitude),
            "longitude": float(details.longitude),
        }
    data["openingHoursSpecification"] = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": list(block.value["days"]),
            "opens": block.value["opens"].strftime("%H:%M"),
            "closes": block.value["closes"].strftime("%H:%M"),
        }
        for block in details.opening_hours
    ]
    if details.clinician_name:
        data["employee"] = {"@type": "Person", "name": details.clinician_name}
        if details.clinician_credentials:
            data["employee"]["honorificSuffix"] = details.clinician_credentials
    return {key: value for key, value in data.items() if value not in (None, "", [])}
