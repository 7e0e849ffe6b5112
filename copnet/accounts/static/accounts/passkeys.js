// Once django-otp-webauthn has registered a passkey, go on to the page named by #passkey-done
// (recovery codes after a first enrolment, the security page otherwise).
document.addEventListener("otp_webauthn.register_complete", function () {
  var done = document.getElementById("passkey-done");
  if (done && done.dataset.url) {
    window.location.assign(done.dataset.url);
  }
});
