// Each offline preview the summary and terminal tests need, run once per process (a preview
// takes about a second).
import { PreviewResult, runPreview } from "../../preview/preview";

const previews = new Map<string, Promise<PreviewResult>>();

/** The preview of `stack` with `config` overrides, shared by every test that asks for it. */
export function preview(stack: string, ...config: string[]): Promise<PreviewResult> {
  const key = [stack, ...config].join(" ");
  if (!previews.has(key)) {
    previews.set(key, runPreview({ stack, config }));
  }
  return previews.get(key)!;
}
