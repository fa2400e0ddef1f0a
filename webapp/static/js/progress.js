"use strict";

// The teacher's exercise dashboard: refresh the students' progress every few seconds without
// reloading the page. Rows are rebuilt with textContent only, so names never become markup.
(function () {
  const table = document.querySelector("table[data-progress-url]");
  if (!table) {
    return;
  }
  const rows = table.querySelector("[data-progress-rows]");
  const status = document.querySelector("[data-progress-status]");
  const countBox = document.querySelector("[data-progress-count]");
  const empty = document.querySelector("[data-progress-empty]");
  const INTERVAL_MS = 3000;
  let timer = 0;
  let failures = 0;

  function studentUrl(id) {
    return table.dataset.studentUrlTemplate.replace("987654321", encodeURIComponent(id));
  }

  function clock(iso) {
    const moment = new Date(iso);
    return moment.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function cell(row, className) {
    const td = document.createElement("td");
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function render(students) {
    const fresh = document.createDocumentFragment();
    students.forEach((student) => {
      const tr = document.createElement("tr");
      tr.dataset.studentId = String(student.id);
      const link = document.createElement("a");
      link.href = studentUrl(student.id);
      link.textContent = student.name;
      cell(tr).appendChild(link);
      cell(tr, "num").textContent = String(student.annotations);
      const tags = cell(tr);
      student.tags.forEach((tag) => {
        const chip = document.createElement("span");
        chip.className = "tag-count";
        chip.append(`${tag.name} `);
        const count = document.createElement("b");
        count.textContent = String(tag.count);
        chip.appendChild(count);
        tags.appendChild(chip);
      });
      const last = cell(tr);
      if (student.last_activity) {
        const time = document.createElement("time");
        time.dateTime = student.last_activity;
        time.textContent = clock(student.last_activity);
        last.appendChild(time);
      } else {
        const none = document.createElement("span");
        none.className = "missing";
        none.textContent = "nothing yet";
        last.appendChild(none);
      }
      fresh.appendChild(tr);
    });
    rows.replaceChildren(fresh);
    if (countBox) {
      countBox.textContent = `(${students.length})`;
    }
    if (empty) {
      empty.hidden = students.length > 0;
    }
  }

  async function refresh() {
    try {
      const response = await fetch(table.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(`the server answered ${response.status}`);
      }
      const data = await response.json();
      render(data.students);
      failures = 0;
      if (status) {
        status.textContent = `Updated ${clock(new Date().toISOString())}.`;
      }
      table.dispatchEvent(new CustomEvent("progress:updated", { bubbles: true, detail: { count: data.students.length } }));
    } catch (error) {
      failures += 1;
      if (status) {
        status.textContent = `Could not update (${error.message}); trying again.`;
      }
    }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    // Back off while the server is unreachable; wait while the tab is hidden.
    const delay = INTERVAL_MS * Math.min(1 + failures, 10);
    timer = setTimeout(() => {
      if (document.hidden) {
        schedule();
        return;
      }
      refresh();
    }, delay);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      refresh();
    }
  });
  schedule();
})();
