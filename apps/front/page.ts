/**
 * The one page the front serves: the records web keeps, and a form to add one. Plain HTML and a
 * little script from the same origin (the Content-Security-Policy allows nothing else).
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dockyard</title>
</head>
<body>
<h1>Records</h1>
<form id="add"><input name="body" required maxlength="1000" aria-label="record"><button>Add</button></form>
<ol id="records"></ol>
<script src="/app.js"></script>
</body>
</html>
`;

export const APP_JS = `"use strict";
const list = document.getElementById("records");
async function refresh() {
  const response = await fetch("/api/records");
  const { records } = await response.json();
  list.replaceChildren(...records.map((r) => Object.assign(document.createElement("li"), { textContent: r.body })));
}
document.getElementById("add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.target.elements.body;
  await fetch("/api/records", { method: "POST", body: input.value });
  input.value = "";
  await refresh();
});
refresh();
`;
