// GET /items lists, POST /items adds {name}, PUT /items/:id sets {name,
// completed}, DELETE /items/:id removes. Answers are JSON.
const express = require("express");
const { v4: newId } = require("uuid");

module.exports = (store) => {
  const router = express.Router();
  const wrap = (handler) => (req, res) => handler(req, res).catch((err) => res.status(500).json({ error: err.message }));

  router.get("/", wrap(async (req, res) => res.json(await store.all())));

  router.post("/", wrap(async (req, res) => {
    const name = typeof req.body?.name === "string" ? req.body.name.trim() : "";
    if (!name) return res.status(400).json({ error: "an item needs a name" });
    const item = { id: newId(), name, completed: false };
    await store.add(item);
    res.status(201).json(item);
  }));

  router.put("/:id", wrap(async (req, res) => {
    const found = await store.get(req.params.id);
    if (!found) return res.status(404).json({ error: "no such item" });
    const item = {
      id: found.id,
      name: typeof req.body?.name === "string" && req.body.name.trim() ? req.body.name.trim() : found.name,
      completed: typeof req.body?.completed === "boolean" ? req.body.completed : found.completed,
    };
    await store.update(item);
    res.json(item);
  }));

  router.delete("/:id", wrap(async (req, res) => {
    await store.remove(req.params.id);
    res.sendStatus(204);
  }));

  return router;
};
