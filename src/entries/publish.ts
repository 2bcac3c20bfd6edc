import { run } from "../actions/publish.js";

await run();
