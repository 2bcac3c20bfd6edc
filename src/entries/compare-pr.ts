import { run } from "../actions/compare-pr.js";

await run();
