// Glasskey: the browser half of the WebAuthn ceremonies. Plain JavaScript, no build step.
// Uses PublicKeyCredential.parse*OptionsFromJSON / toJSON where the browser has them,
// and a base64url fallback otherwise.
(function () {
  'use strict';

  function b64uToBuf(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    const bin = atob(s);
    const buf = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
    return buf.buffer;
  }

  function bufToB64u(buf) {
    const bytes = new Uint8Array(buf);
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function creationOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    const o = Object.assign({}, json);
    o.challenge = b64uToBuf(json.challenge);
    o.user = Object.assign({}, json.user, { id: b64uToBuf(json.user.id) });
    o.excludeCredentials = (json.excludeCredentials || []).map(c => Object.assign({}, c, { id: b64uToBuf(c.id) }));
    return o;
  }

  function requestOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    const o = Object.assign({}, json);
    o.challenge = b64uToBuf(json.challenge);
    o.allowCredentials = (json.allowCredentials || []).map(c => Object.assign({}, c, { id: b64uToBuf(c.id) }));
    return o;
  }

  function credentialToJSON(cred) {
    if (typeof cred.toJSON === 'function') return cred.toJSON();
    const r = cred.response;
    const out = { id: cred.id, rawId: bufToB64u(cred.rawId), type: cred.type, response: {},
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      authenticatorAttachment: cred.authenticatorAttachment || undefined };
    out.response.clientDataJSON = bufToB64u(r.clientDataJSON);
    if (r.attestationObject) {
      out.response.attestationObject = bufToB64u(r.attestationObject);
      out.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      out.response.authenticatorData = bufToB64u(r.authenticatorData);
      out.response.signature = bufToB64u(r.signature);
      if (r.userHandle) out.response.userHandle = bufToB64u(r.userHandle);
    }
    return out;
  }

  // The CSRF token the server's XSRF-TOKEN cookie carries: the ceremony endpoints do not need it,
  // the password sign-in and setup-link endpoints (people.js) do.
  function csrfToken() {
    const match = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
    return match ? decodeURIComponent(match.substring('XSRF-TOKEN='.length)) : null;
  }

  function postJson(url, body) {
    return requestJson('POST', url, body);
  }

  async function requestJson(method, url, body) {
    const headers = { 'Content-Type': 'application/json', 'Accept': 'application/json' };
    const token = csrfToken();
    if (token) headers['X-XSRF-TOKEN'] = token;
    const res = await fetch(url, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: body === undefined ? '{}' : JSON.stringify(body)
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const err = new Error(data.detail || data.title || ('HTTP ' + res.status));
      err.code = data.code;
      throw err;
    }
    return data;
  }

  function show(el, message, ok) {
    el.textContent = message;
    el.className = ok ? 'status ok' : 'status error';
    el.hidden = false;
  }

  async function signIn(status) {
    const options = await postJson('/api/webauthn/sign-in/options');
    const cred = await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
    const session = await postJson('/api/webauthn/sign-in', credentialToJSON(cred));
    show(status, 'Signed in as ' + session.displayName, true);
    return session;
  }

  async function enrol(token, status) {
    const options = await postJson('/api/enrolments/' + encodeURIComponent(token) + '/options');
    const cred = await navigator.credentials.create({ publicKey: creationOptions(options.publicKey) });
    const result = await postJson('/api/enrolments/' + encodeURIComponent(token) + '/credential', credentialToJSON(cred));
    show(status, 'Security key enrolled. You can now sign in with it.', true);
    return result;
  }

  // A passkey of the signed-in person's own (Security info page): no link, the session is the permission.
  async function addPasskey() {
    const options = await postJson('/api/me/passkeys/options');
    const cred = await navigator.credentials.create({ publicKey: creationOptions(options.publicKey) });
    return postJson('/api/me/passkeys', credentialToJSON(cred));
  }

  // Passkey autofill (WebAuthn L3 §5.1.4, mediation "conditional"): a request that waits, without a
  // dialog, for the person to pick a passkey from the browser's suggestions on a field marked
  // autocomplete="username webauthn". Only one WebAuthn request runs at a time, so the button's own
  // request aborts it first and starts it again afterwards.
  let autofill = null;

  async function startAutofill(next, status) {
    if (!window.PublicKeyCredential || typeof PublicKeyCredential.isConditionalMediationAvailable !== 'function'
        || !(await PublicKeyCredential.isConditionalMediationAvailable())) {
      return;
    }
    stopAutofill();
    const controller = new AbortController();
    autofill = controller;
    try {
      const options = await postJson('/api/webauthn/sign-in/options');
      const cred = await navigator.credentials.get({ mediation: 'conditional', publicKey: requestOptions(options.publicKey),
        signal: controller.signal });
      if (autofill !== controller) return;
      autofill = null;
      const session = await postJson('/api/webauthn/sign-in', credentialToJSON(cred));
      window.location.assign(next || (session.roles.indexOf('global-admin') >= 0 ? '/admin' : '/'));
    } catch (e) {
      if (controller.signal.aborted || (e && e.name === 'AbortError')) return;
      if (autofill === controller) autofill = null;
      show(status, describe(e), false);
    }
  }

  function stopAutofill() {
    if (autofill) {
      const controller = autofill;
      autofill = null;
      controller.abort();
    }
  }

  function describe(e) {
    return (e.code ? '[' + e.code + '] ' : '') + (e.message || String(e));
  }

  // Shared with people.js (loaded after this file).
  window.glasskeyPages = { postJson: postJson, requestJson: requestJson, show: show, describe: describe };

  // A drill sign-in: verified like a sign-in, recorded for the (account, key) pair, no session opened.
  async function drill(drillId, status) {
    const options = await postJson('/api/webauthn/sign-in/options');
    const cred = await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
    const passed = await postJson('/api/drills/' + encodeURIComponent(drillId) + '/sign-in', credentialToJSON(cred));
    show(status, 'Drill passed: \'' + passed.displayName + '\' on key \'' + passed.keyLabel + '\'.', true);
    return passed;
  }

  document.addEventListener('DOMContentLoaded', function () {
    const status = document.getElementById('status');
    const drillButton = document.getElementById('drill');
    if (drillButton) {
      drillButton.addEventListener('click', async function () {
        drillButton.disabled = true;
        try {
          const passed = await drill(drillButton.dataset.drillId, status);
          const item = document.createElement('li');
          item.textContent = passed.displayName + ' on ' + passed.keyLabel;
          item.dataset.accountId = passed.accountId;
          item.dataset.keyId = passed.keyId;
          document.getElementById('passed').appendChild(item);
        } catch (e) {
          show(status, describe(e), false);
        } finally {
          drillButton.disabled = false;
        }
      });
    }
    const signInButton = document.getElementById('sign-in');
    if (signInButton) {
      signInButton.addEventListener('click', async function () {
        signInButton.disabled = true;
        stopAutofill();
        try {
          const session = await signIn(status);
          window.location.assign(signInButton.dataset.next || (session.roles.indexOf('global-admin') >= 0 ? '/admin' : '/'));
        } catch (e) {
          show(status, describe(e), false);
          autofillWhileOpen();
        } finally {
          signInButton.disabled = false;
        }
      });
      // The name field marked for passkeys is in "Use a password and code": the autofill request runs
      // while that section is open (its field can take focus), and stops when it closes.
      const passwordOption = document.getElementById('password-option');
      const autofillWhileOpen = function () {
        if (passwordOption && passwordOption.open && document.querySelector('input[autocomplete~="webauthn"]')) {
          startAutofill(signInButton.dataset.next, document.getElementById('password-status') || status);
        } else {
          stopAutofill();
        }
      };
      if (passwordOption) {
        passwordOption.addEventListener('toggle', autofillWhileOpen);
        autofillWhileOpen();
      }
    }
    const addPasskeyButton = document.getElementById('add-passkey');
    if (addPasskeyButton) {
      addPasskeyButton.addEventListener('click', async function () {
        addPasskeyButton.disabled = true;
        try {
          await addPasskey();
          window.location.reload();
        } catch (e) {
          show(status, describe(e), false);
          addPasskeyButton.disabled = false;
        }
      });
    }
    document.querySelectorAll('button.remove-passkey').forEach(function (button) {
      button.addEventListener('click', async function () {
        button.disabled = true;
        try {
          await requestJson('DELETE', '/api/me/passkeys/' + encodeURIComponent(button.dataset.id));
          // Removing the passkey this session signed in with ends the session: the reload says so.
          window.location.reload();
        } catch (e) {
          show(status, describe(e), false);
          button.disabled = false;
        }
      });
    });
    const enrolButton = document.getElementById('enrol');
    if (enrolButton) {
      enrolButton.addEventListener('click', async function () {
        enrolButton.disabled = true;
        try {
          await enrol(enrolButton.dataset.token, status);
          enrolButton.hidden = true;
          document.getElementById('after-enrol').hidden = false;
        } catch (e) {
          show(status, describe(e), false);
          enrolButton.disabled = false;
        }
      });
    }
  });
})();
