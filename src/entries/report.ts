import { run } from "../actions/report.js";

await run();
