/**
 * How much of a document may come from aliases: yaml.v3's rule (Compose's parser; decode.go allowedAliasRatio).
 * Up to 400,000 nodes read, 99 % of them may be alias expansions; from 4,000,000 on, 10 %; in between it falls
 * evenly. A "billion laughs" document passes 99 % within its first thousand nodes and is stopped there, while a big
 * file whose services all merge a common anchor (a third of its nodes) is read whole, as Compose reads it.
 */
export function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.10;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

/** Whether `expanded` of `decoded` nodes read passes the ratio (yaml.v3 checks only past its first 1,000 nodes). */
export function tooManyAliases(expanded: number, decoded: number, margin = 0): boolean {
  return expanded > 100 && decoded > 1000 && expanded / decoded > allowedAliasRatio(decoded) - margin;
}
