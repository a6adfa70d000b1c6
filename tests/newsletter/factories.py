import factory
from django.utils import timezone

from newsletter.forms import CONSENT_VERSION
from newsletter.models import Delivery, DeliveryKind, Mailing, Subscriber, SubscriberStatus


class SubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    first_name = "Sam"
    status = SubscriberStatus.ACTIVE
    consent_version = CONSENT_VERSION
    confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Subscriber

    class Params:
        pending = factory.Trait(status=SubscriberStatus.PENDING, confirmed_at=None)
        unsubscribed = factory.Trait(
            status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=factory.LazyFunction(timezone.now)
        )


class MailingFactory(factory.django.DjangoModelFactory):
    subject = factory.Sequence(lambda n: f"Article {n}")
    summary = "A short summary."
    url = factory.Sequence(lambda n: f"http://testserver/articles/article-{n}/")
    image_url = ""
    sender_name = "Better Lives, Building Tribes"
    postal_address = "1550 Larimer Street\nDenver, CO 80202"

    class Meta:
        model = Mailing


class DeliveryFactory(factory.django.DjangoModelFactory):
    kind = DeliveryKind.MAILING
    mailing = factory.SubFactory(MailingFactory)
    subscriber = factory.SubFactory(SubscriberFactory)

    class Meta:
        model = Delivery
