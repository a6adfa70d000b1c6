// Progressive enhancement of the appointment request form; the form works fully without it.

// Move focus to the error summary, as the GOV.UK pattern does, so it is read first.
const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();

// Show answers that depend on another choice only once that choice is made,
// e.g. the Good Faith Estimate for self-pay. Without JS they are always shown.
const form = document.querySelector("[data-request-form]");
if (form) {
  const dependents = [...form.querySelectorAll("[data-reveal-when]")];
  const update = () => {
    for (const element of dependents) {
      const [name, value] = element.dataset.revealWhen.split("=");
      const checked = form.querySelector(`input[name="${name}"]:checked`);
      element.hidden = !checked || checked.value !== value;
    }
  };
  form.addEventListener("change", update);
  update();
}
