// While an export is queued or running, ask for its progress every 2 seconds; reload when one ends,
// so that its download link (or its error) shows.
(() => {
  const rows = Array.from(document.querySelectorAll("tr[data-status-url]"));
  const timer = setInterval(async () => {
    for (const row of rows) {
      let status;
      try {
        const response = await fetch(row.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) continue;
        status = await response.json();
      } catch (error) {
        continue;
      }
      if (status.state === "done" || status.state === "failed") {
        clearInterval(timer);
        window.location.reload();
        return;
      }
      const bar = row.querySelector("progress");
      if (status.total) {
        bar.max = status.total;
        bar.value = status.done;
      }
      row.querySelector("[data-role=state]").textContent = status.state_label;
      row.querySelector("[data-role=percent]").textContent = `${status.percent}%`;
      if (status.total) row.querySelector("[data-role=count]").textContent = `（${status.done}/${status.total}）`;
    }
  }, 2000);
})();
