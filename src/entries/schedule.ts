import { run } from "../actions/schedule.js";

await run();
