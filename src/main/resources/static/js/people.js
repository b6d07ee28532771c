// Glasskey: the setup page (password, authenticator app) and the sign-in page's password + code form.
// Plain JavaScript, on webauthn.js's helpers (loaded first: it sends the CSRF header these endpoints need).
(function () {
  'use strict';

  const postJson = window.glasskeyPages.postJson;
  const show = window.glasskeyPages.show;
  const describe = window.glasskeyPages.describe;

  function onSubmit(form, action) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        await action();
      } finally {
        button.disabled = false;
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    const status = document.getElementById('status');
    const setup = document.getElementById('setup');
    if (setup) {
      const base = '/api/setup/' + encodeURIComponent(setup.dataset.token);
      onSubmit(document.getElementById('password-step'), async function () {
        try {
          await postJson(base + '/password', { password: document.getElementById('new-password').value });
          const app = await postJson(base + '/totp');
          document.getElementById('qr-code').src = app.qrCode;
          document.getElementById('manual-key').textContent = app.manualKey;
          document.getElementById('password-step').hidden = true;
          document.getElementById('app-step').hidden = false;
          show(status, 'Password set. Now add the key to your authenticator app.', true);
        } catch (e) {
          show(status, describe(e), false);
        }
      });
      onSubmit(document.getElementById('confirm-step'), async function () {
        try {
          const done = await postJson(base + '/totp/confirm', { code: document.getElementById('first-code').value.trim() });
          const list = document.getElementById('recovery-codes');
          done.recoveryCodes.forEach(function (code) {
            const item = document.createElement('li');
            item.textContent = code;
            list.appendChild(item);
          });
          document.getElementById('recovery-step').hidden = false;
          document.getElementById('app-step').hidden = true;
          document.getElementById('after-setup').hidden = false;
          show(status, 'Your authenticator app is set up. You can now sign in with your password and a code.', true);
        } catch (e) {
          show(status, describe(e), false);
        }
      });
    }
    const newCodes = document.getElementById('new-recovery-codes');
    if (newCodes) {
      newCodes.addEventListener('click', async function () {
        try {
          const fresh = await postJson('/api/me/recovery-codes');
          const list = document.getElementById('recovery-codes');
          list.replaceChildren();
          fresh.recoveryCodes.forEach(function (code) {
            const item = document.createElement('li');
            item.textContent = code;
            list.appendChild(item);
          });
          document.getElementById('recovery-left').textContent = String(fresh.recoveryCodes.length);
          show(status, 'New recovery codes, shown only now: the earlier ones no longer work.', true);
        } catch (e) {
          show(status, describe(e), false);
        }
      });
      document.getElementById('remove-password-and-app').addEventListener('click', async function () {
        try {
          await window.glasskeyPages.requestJson('DELETE', '/api/me/password-and-app');
          window.location.assign('/sign-in');
        } catch (e) {
          show(status, describe(e), false);
        }
      });
    }
    const passwordSignIn = document.getElementById('password-sign-in');
    if (passwordSignIn) {
      onSubmit(passwordSignIn, async function () {
        try {
          const session = await postJson('/api/sign-in/password', {
            signInName: document.getElementById('sign-in-name').value,
            password: document.getElementById('password').value,
            code: document.getElementById('code').value.trim()
          });
          window.location.assign(passwordSignIn.dataset.next || (session.roles.indexOf('global-admin') >= 0 ? '/admin' : '/'));
        } catch (e) {
          show(document.getElementById('password-status'), describe(e), false);
        }
      });
    }
  });
})();
