// Failback's userscript runtime: the replicator@v2 / replicator@v1 modules, console, and the entry points the
// Java side calls. Evaluated once per context; returns the object of entry points. `host` is a Java object of
// ProxyExecutable members (log, sql, write, columns, names, uuid).
(function (host) {
  "use strict";
  const schemas = new Map();   // lower-cased schema name -> {name, onRowUpsert, onRowDelete, api}
  const tables = new Map();    // lower-cased table name -> {name, onRowUpsert, onRowDelete, onWrite, api}
  let tx = null;               // the open onWrite transaction, or null
  let consoleOn = true;

  function describe(v) {
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    if (Array.isArray(v)) return "an array (" + short(v) + ")";
    switch (typeof v) {
      case "string": return "a string (" + JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v) + ")";
      case "number": case "bigint": return "a number (" + String(v) + ")";
      case "boolean": return "a boolean (" + v + ")";
      case "function": return "a function";
      case "object": return typeof v.then === "function" ? "a Promise" : "an object (" + short(v) + ")";
      default: return "a " + typeof v;
    }
  }
  function short(v) {
    let s;
    try { s = JSON.stringify(v); } catch (e) { s = String(v); }
    if (s === undefined) s = String(v);
    return s.length > 80 ? s.slice(0, 80) + "..." : s;
  }
  function contract(msg) {
    const e = new TypeError(msg);
    e.failbackContract = true;
    return e;
  }
  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  // ---- console -------------------------------------------------------------------------------------------------
  function fmt(args) {
    let out = "";
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      let s;
      if (typeof a === "string") s = a;
      else if (a !== null && typeof a === "object" && !(a instanceof Error)) { try { s = JSON.stringify(a); } catch (e) { s = String(a); } }
      else s = String(a);
      out += (i ? " " : "") + s;
    }
    return out;
  }
  function level(l) { return function () { if (consoleOn) host.log(l, fmt(arguments)); }; }
  const consoleObj = {
    log: level("info"), info: level("info"), debug: level("debug"), trace: level("trace"),
    warn: level("warn"), error: level("error"),
    disable() { consoleOn = false; }, enable() { consoleOn = true; },
  };

  // ---- the transaction of onWrite ------------------------------------------------------------------------------
  function open(what) {
    if (tx === null) throw new Error(what + " works only inside onWrite (apply): no transaction is open");
    return tx;
  }
  function sqlArgs(sql, params) {
    if (typeof sql !== "string") throw new TypeError("the SQL must be a string, not " + describe(sql));
    return JSON.stringify(params.map(p => p === undefined ? null : p));
  }
  function hostCall(r) {   // host answers "!message" for an error, else JSON (or "")
    if (typeof r === "string" && r.charCodeAt(0) === 33) throw new Error(r.slice(1));
    return r;
  }
  async function write(ops) {
    const t = open("api.write");
    if (!Array.isArray(ops)) throw new TypeError("api.write expects an array of row ops, not " + describe(ops));
    hostCall(t.write(JSON.stringify(ops)));
  }
  function txObject(v1) {
    const t = open("api.getTX()");
    const o = {
      async query(sql, ...params) {
        const r = hostCall(t.sql(true, sql, sqlArgs(sql, params)));
        return JSON.parse(r);
      },
      async exec(sql, ...params) { hostCall(t.sql(false, sql, sqlArgs(sql, params))); },
      columns() { return JSON.parse(hostCall(t.columns())); },
      schema() { return hostCall(t.names(false)); },
      table() { return hostCall(t.names(true)); },
    };
    if (v1) o.apply = write;
    return o;
  }

  // ---- configuration -------------------------------------------------------------------------------------------
  function fnOrMissing(o, key, where, required) {
    const f = o[key];
    if (f === undefined || f === null) {
      if (required) throw new Error(where + ": " + key + " is required (a function)");
      return null;
    }
    if (typeof f !== "function") throw new TypeError(where + ": " + key + " must be a function, not " + describe(f));
    return f;
  }
  function checkKeys(o, allowed, where, unsupported) {
    for (const k of Object.keys(o)) {
      if (allowed.indexOf(k) >= 0) continue;
      if (unsupported && unsupported.indexOf(k) >= 0)
        throw new Error(where + ": \"" + k + "\" is not supported by Failback's userscript runtime");
      throw new Error(where + ": unknown option \"" + k + "\" (expected " + allowed.join(", ") + ")");
    }
  }
  function configureTargetSchema(name, handlers) {
    const where = "configureTargetSchema(" + JSON.stringify(name) + ")";
    if (typeof name !== "string" || name === "") throw new TypeError("configureTargetSchema: the schema name must be a non-empty string, not " + describe(name));
    if (!isObj(handlers)) throw new TypeError(where + ": the handlers must be an object {onRowUpsert, onRowDelete}, not " + describe(handlers));
    checkKeys(handlers, ["onRowUpsert", "onRowDelete"], where);
    schemas.set(name.toLowerCase(), { name, where,
      onRowUpsert: fnOrMissing(handlers, "onRowUpsert", where, true),
      onRowDelete: fnOrMissing(handlers, "onRowDelete", where, true) });
  }
  function configureTargetTables(names, config) {
    if (!Array.isArray(names) || names.length === 0) throw new TypeError("configureTargetTables: the tables must be a non-empty array of names, not " + describe(names));
    const where = "configureTargetTables(" + JSON.stringify(names) + ")";
    if (!isObj(config)) throw new TypeError(where + ": the configuration must be an object, not " + describe(config));
    checkKeys(config, ["onRowUpsert", "onRowDelete", "onWrite"], where,
      ["cas", "deadlines", "merge", "exprs", "extras", "ignore", "rowLimit"]);
    const t = { where, v1: false,
      onRowUpsert: fnOrMissing(config, "onRowUpsert", where, false),
      onRowDelete: fnOrMissing(config, "onRowDelete", where, false),
      onWrite: fnOrMissing(config, "onWrite", where, false) };
    for (const n of names) {
      if (typeof n !== "string" || n === "") throw new TypeError(where + ": a table name must be a non-empty string, not " + describe(n));
      tables.set(n.toLowerCase(), Object.assign({ name: n }, t));
    }
  }
  // v1
  function configureSource(name, cfg) {
    const where = "configureSource(" + JSON.stringify(name) + ")";
    if (typeof name !== "string" || name === "") throw new TypeError("configureSource: the name must be a non-empty string, not " + describe(name));
    if (!isObj(cfg)) throw new TypeError(where + ": the configuration must be an object, not " + describe(cfg));
    checkKeys(cfg, ["dispatch", "deletesTo", "target"], where);
    let up, del;
    if (cfg.target !== undefined) {
      if (cfg.dispatch !== undefined || cfg.deletesTo !== undefined) throw new Error(where + ": give either target or dispatch with deletesTo, not both");
      if (typeof cfg.target !== "string") throw new TypeError(where + ": target must be a table name, not " + describe(cfg.target));
      const target = cfg.target;
      up = del = (doc) => ({ [target]: [doc] });
    } else {
      up = fnOrMissing(cfg, "dispatch", where, true);
      const d = cfg.deletesTo;
      if (typeof d === "string") del = (doc) => ({ [d]: [doc] });
      else if (typeof d === "function") del = d;
      else throw new TypeError(where + ": deletesTo is required with dispatch (a table name or a function), not " + describe(d));
    }
    schemas.set(name.toLowerCase(), { name, where, onRowUpsert: up, onRowDelete: del, names: ["dispatch", "deletesTo"] });
  }
  function configureTable(name, cfg) {
    const where = "configureTable(" + JSON.stringify(name) + ")";
    if (typeof name !== "string" || name === "") throw new TypeError("configureTable: the table name must be a non-empty string, not " + describe(name));
    if (!isObj(cfg)) throw new TypeError(where + ": the configuration must be an object, not " + describe(cfg));
    checkKeys(cfg, ["map", "deleteKey", "apply"], where,
      ["cas", "deadlines", "merge", "exprs", "extras", "ignore", "rowLimit"]);
    const dk = fnOrMissing(cfg, "deleteKey", where, false);
    tables.set(name.toLowerCase(), { name, where, v1: true,
      onRowUpsert: fnOrMissing(cfg, "map", where, false),
      onRowDelete: dk && function (key, meta) { const r = dk(key, meta); return Array.isArray(r) && r.length === 0 ? null : r; },
      onWrite: fnOrMissing(cfg, "apply", where, false),
      names: ["map", "deleteKey", "apply"] });
  }
  function unsupported(what) {
    return function () { throw new Error(what + " is not supported by Failback's userscript runtime"); };
  }

  const v2 = Object.freeze({
    configureTargetSchema, configureTargetTables, write,
    getTX: () => txObject(false),
  });
  const v1 = Object.freeze({
    configureSource, configureTable,
    getTX: () => txObject(true),
    replicationKey: "__REPLICATION_KEY__",
    randomUUID: () => host.uuid(),
    setOptions: unsupported("api.setOptions (set the flags on the command line)"),
    standardMerge: unsupported("api.standardMerge (merge, cas)"),
  });
  const builtins = { "replicator@v2": v2, "replicator@v1": v1, "cdc-sink@v1": v1 };

  // ---- entry points for Java -----------------------------------------------------------------------------------
  function fnName(h, i) { return (h.names || ["onRowUpsert", "onRowDelete", "onWrite"])[i]; }

  function route(r, h, i) {
    if (r === null || r === undefined) return null;
    if (!isObj(r) || typeof r.then === "function")
      throw contract(h.where + ": " + fnName(h, i) + " returned " + describe(r) + "; expected a row object, a {table: rows[]} map, or null");
    const keys = Object.keys(r);
    if (keys.length === 0) return null;
    let routing = true;
    for (const k of keys) if (!Array.isArray(r[k])) { routing = false; break; }
    if (!routing) return "R" + JSON.stringify(r);
    for (const k of keys) for (const row of r[k])
      if (!isObj(row)) throw contract(h.where + ": " + fnName(h, i) + " returned a routing map whose \"" + k + "\" holds " + describe(row) + "; expected an array of row objects");
    return "T" + JSON.stringify(r);
  }
  function schemaCall(key, del, json) {
    const h = schemas.get(key);
    const a = JSON.parse(json);
    return route(del ? h.onRowDelete(a[0], a[1]) : h.onRowUpsert(a[0], a[1]), h, del ? 1 : 0);
  }
  function tableUpsert(key, json) {
    const h = tables.get(key);
    const a = JSON.parse(json);
    const r = h.onRowUpsert(a[0], a[1]);
    if (r === null || r === undefined) return null;
    if (!isObj(r) || typeof r.then === "function")
      throw contract(h.where + ": " + fnName(h, 0) + " returned " + describe(r) + "; expected a row object or null");
    return JSON.stringify(r);
  }
  function tableDelete(key, json) {
    const h = tables.get(key);
    const a = JSON.parse(json);
    const n = a[0].length;
    const r = h.onRowDelete(a[0], a[1]);
    if (r === null || r === undefined) return null;
    if (!Array.isArray(r)) throw contract(h.where + ": " + fnName(h, 1) + " returned " + describe(r) + "; expected an array of " + n + " key value(s) or null");
    if (r.length !== n) throw contract(h.where + ": " + fnName(h, 1) + " returned " + r.length + " key value(s) (" + short(r) + "); the key has " + n);
    for (const v of r) if (v !== null && typeof v === "object")
      throw contract(h.where + ": " + fnName(h, 1) + " returned a key value that is " + describe(v) + "; expected strings");
    return JSON.stringify(r);
  }
  function tableWrite(key, json, t, done) {
    const h = tables.get(key);
    const ops = JSON.parse(json);
    tx = t;
    let p;
    try {
      p = h.onWrite(ops);
    } catch (e) {
      tx = null;
      throw e;
    }
    Promise.resolve(p).then(() => { tx = null; done(true, null); }, (e) => { tx = null; done(false, e); });
  }
  function hasSchema(key) { return schemas.has(key); }
  function listSchemas() { return JSON.stringify([...schemas.entries()].map(([k, s]) => [k, s.name, s.where, fnName(s, 0), fnName(s, 1)])); }
  function listTables() {
    return JSON.stringify([...tables.entries()].map(([k, t]) => [k, t.name, t.where, fnName(t, 0), fnName(t, 1), fnName(t, 2),
      !!t.onRowUpsert, !!t.onRowDelete, !!t.onWrite]));
  }

  const helpers = Object.freeze({
    def: (m) => (m && m.__esModule ? m.default : m),
    star: (exports, m) => {
      for (const k of Object.keys(m)) if (k !== "default" && !(k in exports))
        Object.defineProperty(exports, k, { enumerable: true, get: () => m[k] });
    },
  });

  return { helpers, builtins, console: consoleObj, schemaCall, tableUpsert, tableDelete, tableWrite, hasSchema, listSchemas, listTables };
})
