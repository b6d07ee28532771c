// The console's small helpers, loaded by every console page (the CSP allows only scripts from this origin).
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  // Copy buttons next to short ids: the full id goes to the clipboard.
  for (const button of document.querySelectorAll('button.copy[data-copy]')) {
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch (e) {
        button.textContent = 'Select the id to copy';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    });
  }
  // Forms with fields per type (alert channels): show only the fields of the chosen type.
  for (const select of document.querySelectorAll('select[data-shows-fields]')) {
    const form = select.form;
    const update = () => {
      for (const field of form.querySelectorAll('[data-for-types]')) {
        const shown = field.dataset.forTypes.split(' ').includes(select.value);
        field.hidden = !shown;
        for (const input of field.querySelectorAll('input, select')) input.disabled = !shown;
      }
    };
    select.addEventListener('change', update);
    update();
  }
});
document.addEventListener('DOMContentLoaded', () => {
  const print = document.getElementById('print');
  if (print) print.addEventListener('click', () => window.print());
});
