"""`make bench`'s mailing measurement reports its figures and leaves the database as it was."""

from deploy.bench_mailing import figures_lines, mailing_measure
from newsletter.models import Mailing, Subscriber


def test_mailing_measure_reports_figures_and_leaves_nothing_behind(home_page, mailoutbox):
    figures = mailing_measure(subscribers=30, chunk_size=10)

    out = "\n".join(figures_lines(figures))
    assert "Sent 30 emails" in out
    assert "SQL queries per chunk: 6 for a chunk of 5, 6 for a chunk of 10" in out
    assert not Subscriber.objects.exists()
    assert not Mailing.objects.exists()
