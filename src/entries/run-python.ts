import { run } from "../actions/run-python.js";

await run();
