import { E2E_INSTANCE } from "../../playwright.config";
import { removeInstance } from "../support/server";

/** Whatever the browser tests left on the engine goes. */
export default async function teardown() {
  await removeInstance(E2E_INSTANCE);
}
