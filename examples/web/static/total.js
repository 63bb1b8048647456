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
    var quantity = Math.max(1, Math.min(Number(form.dataset.most), Number(form.quantity.value) || 1));
    total.textContent = money.format(unit * quantity / Number(form.dataset.scale));
    var sum = Number(form.dataset.days) + extra;
    days.textContent = words[String(sum)] || String(sum);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
