// Copies third-party front-end assets from node_modules into the locations
// served by Django (static/vendor/) and used by browser tests
// (tests/browser/vendor/). Run via `npm run build` after `npm ci`.
//
// Practice Hub is not a GOV.UK service, so GOV.UK Transport fonts, crown and
// royal arms images, GOV.UK favicons/app icons and the MoJ crest are not copied.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nm = join(root, "node_modules");
const at = (...parts) => join(root, ...parts);

function copyFile(from, to) {
  if (!existsSync(from)) {
    throw new Error(`Missing source file: ${relative(root, from)} (run \`npm ci\` first)`);
  }
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
  console.log(`copied ${relative(root, from)} -> ${relative(root, to)}`);
}

function copyDir(from, to) {
  if (!existsSync(from)) {
    throw new Error(`Missing source directory: ${relative(root, from)} (run \`npm ci\` first)`);
  }
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
  console.log(`copied ${relative(root, from)}/ -> ${relative(root, to)}/`);
}

function remove(path) {
  if (existsSync(path)) {
    rmSync(path, { recursive: true, force: true });
    console.log(`removed ${relative(root, path)}`);
  }
}

// Remove files in `dir` whose names match `pattern`.
function removeMatching(dir, pattern) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (pattern.test(name)) remove(join(dir, name));
  }
}

// Remove empty directories (bottom-up) below and including `dir`,
// but keep `dir` itself so the configured assets path still exists.
function pruneEmptyDirs(dir, keep = dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  for (const name of readdirSync(dir)) pruneEmptyDirs(join(dir, name), keep);
  if (dir !== keep && readdirSync(dir).length === 0) {
    rmSync(dir, { recursive: true });
    console.log(`removed empty ${relative(root, dir)}/`);
  }
}

// --- GOV.UK Frontend -------------------------------------------------------
const govukDist = join(nm, "govuk-frontend", "dist", "govuk");
const govukOut = at("static", "vendor", "govuk");

copyFile(join(govukDist, "govuk-frontend.min.js"), join(govukOut, "govuk-frontend.min.js"));
// The minified file ends with a sourceMappingURL comment; ship the map so
// Django's ManifestStaticFilesStorage can resolve it during collectstatic.
copyFile(join(govukDist, "govuk-frontend.min.js.map"), join(govukOut, "govuk-frontend.min.js.map"));

const govukAssets = join(govukOut, "assets");
copyDir(join(govukDist, "assets"), govukAssets);
// We use Arial, not GDS Transport.
remove(join(govukAssets, "fonts"));
// Every GOV.UK image (favicons, app icons, mask icon, Open Graph image and
// the royal arms crest) carries the crown, as do the web app manifests that
// point at them. None of them may be used by a non-GOV.UK service.
for (const base of [govukAssets, join(govukAssets, "rebrand")]) {
  removeMatching(join(base, "images"), /^(favicon\.(ico|svg)|govuk-.*)$/);
  remove(join(base, "manifest.json"));
}
pruneEmptyDirs(govukAssets);

// --- MoJ Frontend ----------------------------------------------------------
const mojDist = join(nm, "@ministryofjustice", "frontend", "moj");
const mojOut = at("static", "vendor", "moj");

copyFile(join(mojDist, "moj-frontend.min.js"), join(mojOut, "moj-frontend.min.js"));
copyFile(join(mojDist, "moj-frontend.min.js.map"), join(mojOut, "moj-frontend.min.js.map"));

const mojAssets = join(mojOut, "assets");
copyDir(join(mojDist, "assets"), mojAssets);
// Drop the crown/crest logotypes and MoJ-branded icons; keep the UI icons
// referenced by MoJ component styles.
removeMatching(join(mojAssets, "images"), /^(govuk-logotype-crown|moj-logotype-crest|moj-apple-touch-icon|moj-opengraph-image)/);
pruneEmptyDirs(mojAssets);

// --- htmx ------------------------------------------------------------------
copyFile(join(nm, "htmx.org", "dist", "htmx.min.js"), at("static", "vendor", "htmx.min.js"));

// --- axe-core (browser accessibility tests) --------------------------------
copyFile(join(nm, "axe-core", "axe.min.js"), at("tests", "browser", "vendor", "axe.min.js"));

console.log("front-end assets copied");
