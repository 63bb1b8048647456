// The service page's running total: (base + chosen upgrades) × quantity, and the delivery
// days, recomputed as the buyer ticks upgrades or changes the quantity. The cart and the
// pay page show the library's own quote; this only mirrors it while choosing.
(function () {
  "use strict";
  var form = document.querySelector("form.buy[data-base]");
  if (!form) { return; }
  var total = document.getElementById("running-total");
  var days = document.getElementById("running-days");
  var words = JSON.parse(form.dataset.dayWords || "{}"); // "3" → "3 أيام", as the page says
  var money = new Intl.NumberFormat(form.dataset.locale, {
    style: "currency", currency: form.dataset.currency,
  });
  function update() {
    var unit = Number(form.dataset.base);
    var extra = 0;
    form.querySelectorAll("input[name=upgrade]:checked").forEach(function (box) {
      unit += Number(box.dataset.price);
      extra += Number(box.dataset.days);
    });
    // empty is 1, as the form reads it; past the most (or not whole) there is no total: the
    // form refuses it, and a total for another quantity would say what it will not charge
    var typed = form.quantity.value.trim() === "" ? 1 : Number(form.quantity.value);
    var fits = Number.isInteger(typed) && typed >= 1 && typed <= Number(form.dataset.most);
    total.textContent = fits ? money.format(unit * typed / Number(form.dataset.scale)) : "—";
    var sum = Number(form.dataset.days) + extra;
    days.textContent = words[String(sum)] || String(sum);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
