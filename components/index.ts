// The public API of multiregion-serverless: `import { ... } from "multiregion-serverless"`.
export {};
