"""The production smoke fills forms the way a person would: hidden values kept, one answer per question."""

from deploy.localsite import form_fill, forms_in

PAGE = """
<form action="/newsletter/subscribe/" method="post"><input name="email" type="email"></form>
<form method="post" action="">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">
  <input type="hidden" name="started" value="signed">
  <input name="name" type="text">
  <input name="website" type="text" tabindex="-1">
  <input type="radio" name="payment" value="self_pay"><input type="radio" name="payment" value="insurance">
  <input type="checkbox" name="consent">
  <input type="checkbox" name="times" value="mon-am"><input type="checkbox" name="times" value="tue-pm">
  <select name="state"><option value="CO">Colorado</option><option value="WY">Wyoming</option></select>
  <textarea name="message"></textarea>
  <button type="submit">Send</button>
</form>
"""


def test_forms_in_finds_every_form_with_its_action_and_method():
    forms = forms_in(PAGE)

    assert [(form.action, form.method) for form in forms] == [("/newsletter/subscribe/", "post"), ("", "post")]
    assert [item["name"] for item in forms[0].fields] == ["email"]


def test_form_fill_answers_each_question_once_and_leaves_the_honeypot_empty():
    form = forms_in(PAGE)[1]

    data = form_fill(form, {"name": "Sam", "website": ""})

    assert data == [
        ("csrfmiddlewaretoken", "TOKEN"),
        ("started", "signed"),
        ("name", "Sam"),
        ("website", ""),
        ("payment", "self_pay"),
        ("consent", "on"),
        ("state", "CO"),
        ("message", ""),
    ]


def test_form_fill_uses_given_answers_for_radios_and_checkbox_groups():
    form = forms_in(PAGE)[1]

    data = dict(form_fill(form, {"payment": "insurance", "times": "tue-pm"}))

    assert data["payment"] == "insurance"
    assert data["times"] == "tue-pm"
