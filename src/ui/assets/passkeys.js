// Passkeys on the hosted pages. WebAuthn runs only in the browser, so these forms need this
// script; without it (or without WebAuthn) they stay hidden and the pages work as before.
// The server sends options as WebAuthn's JSON (binary members in base64url) and reads the
// credential back in the same form, from a hidden field of the form this script submits.
"use strict";
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function bytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); }).buffer;
  }

  function text(buffer) {
    var raw = "";
    new Uint8Array(buffer).forEach(function (b) { raw += String.fromCharCode(b); });
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      return { type: d.type, id: bytes(d.id), transports: d.transports };
    });
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = bytes(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = bytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: bytes(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  // PublicKeyCredential.toJSON(), for the browsers that lack it.
  function credentialJson(credential) {
    var r = credential.response;
    var response = { clientDataJSON: text(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      response.userHandle = r.userHandle ? text(r.userHandle) : null;
    }
    return JSON.stringify({
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null
    });
  }

  // POSTs the form's fields named in `names` (with its CSRF token) to `url`; the JSON answer,
  // or an Error carrying the server's message.
  function post(form, url, names) {
    var body = new URLSearchParams();
    ["csrf"].concat(names || []).forEach(function (name) {
      if (form.elements[name]) body.append(name, form.elements[name].value);
    });
    var headers = { "content-type": "application/x-www-form-urlencoded" };
    return fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin" })
      .then(function (answer) {
        return answer.json().then(function (json) {
          if (!answer.ok) throw new Error(json.message || form.dataset.failed);
          return json;
        });
      });
  }

  function showError(form, message) {
    var box = document.getElementById(form.dataset.errorBox);
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  // A refusal by the person or the browser is not a failure worth a stack trace.
  function failed(form, error) {
    var cancelled = error && (error.name === "NotAllowedError" || error.name === "AbortError");
    showError(form, cancelled ? form.dataset.cancelled : (error && error.message) || form.dataset.failed);
  }

  function submitWith(form, field, credential) {
    form.elements[field].value = credentialJson(credential);
    form.submit();
  }

  // Sign-in: the button, and the browser's autofill (conditional mediation) on the e-mail
  // field, which offers the person's passkeys as they focus it.
  document.querySelectorAll("form[data-passkey-sign-in]").forEach(function (form) {
    var pending = null;
    function signIn(mediation) {
      if (pending) pending.abort();
      var controller = new AbortController();
      pending = controller;
      return post(form, form.dataset.options).then(function (json) {
        return navigator.credentials.get({
          publicKey: requestOptions(json), mediation: mediation, signal: controller.signal
        });
      }).then(function (credential) {
        if (!credential) return;
        var keep = document.querySelector("input[type=checkbox][name=remember_me]");
        form.elements.remember_me.value = keep && keep.checked ? "1" : "";
        submitWith(form, "assertion", credential);
      });
    }
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      signIn("optional").catch(function (error) { failed(form, error); });
    });
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) signIn("conditional").catch(function () {});
      });
    }
  });

  // The second step: the passkey or security key of this sign-in's account.
  document.querySelectorAll("form[data-passkey-second-factor]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form, form.dataset.options).then(function (json) {
        return navigator.credentials.get({ publicKey: requestOptions(json) });
      }).then(function (credential) {
        submitWith(form, "assertion", credential);
      }).catch(function (error) { failed(form, error); });
    });
  });

  // The account center: the password, then the browser makes the passkey.
  document.querySelectorAll("form[data-passkey-add]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form, form.dataset.options, ["password"]).then(function (json) {
        return navigator.credentials.create({ publicKey: creationOptions(json) });
      }).then(function (credential) {
        form.elements.password.value = "";
        submitWith(form, "credential", credential);
      }).catch(function (error) { failed(form, error); });
    });
  });
  document.querySelectorAll("[data-passkeys-unsupported]").forEach(function (note) {
    note.hidden = true;
  });
})();
