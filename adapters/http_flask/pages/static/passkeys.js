// Passkeys on the pages: the one thing a form cannot do without a script.
// A form marked data-passkey="create" or "get" asks its data-options URL for
// WebAuthn options (posting the form itself, with its CSRF token), lets the
// browser make or use a passkey, and sends the answer in its hidden field
// "credential". Errors are shown as the server shows them: next to their
// field, or at the top of the form.
"use strict";

function showError(form, field, message) {
  const input = field && form.elements.namedItem(field);
  if (!input || !input.id) {
    let alert = form.querySelector(".alert-error");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-error";
      alert.setAttribute("role", "alert");
      form.prepend(alert);
    }
    alert.textContent = message;
    return;
  }
  const id = input.id + "-error";
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement("p");
    note.className = "error";
    note.id = id;
    input.after(note);
  }
  note.textContent = message;
  input.closest(".field")?.classList.add("has-error");
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
  input.focus();
}

async function ceremony(form) {
  const answer = await fetch(form.dataset.options, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json" },
  });
  const options = await answer.json();
  if (!answer.ok) {
    showError(form, options.field, options.message);
    return;
  }
  let credential;
  try {
    credential = form.dataset.passkey === "create"
      ? await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
      })
      : await navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
      });
  } catch (error) {
    showError(form, null, "No passkey was used: it was cancelled, the time ran out, or "
      + "this device has none for this site. Try again.");
    return;
  }
  form.elements.namedItem("credential").value = JSON.stringify(credential.toJSON());
  form.submit();
}

for (const form of document.querySelectorAll("form[data-passkey]")) {
  if (!window.PublicKeyCredential?.parseCreationOptionsFromJSON) {
    continue; // the form posts without a passkey, and the server says why
  }
  form.addEventListener("submit", (event) => {
    if (form.elements.namedItem("credential").value) {
      return;
    }
    event.preventDefault();
    ceremony(form).catch(() => showError(form, null, "Something went wrong; try again."));
  });
}
