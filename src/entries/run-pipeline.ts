import { run } from "../actions/run-pipeline.js";

await run();
