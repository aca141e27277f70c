package dev.larder.sample;

import java.util.SplittableRandom;

/**
 * The users and products of the sample world, shared by the events, profiles and labels generators so that
 * their data agree: the same users are the active ones, and active users are likelier to buy. Popularity
 * ranks are spread over ids by a fixed permutation so that user 1 is not simply the busiest.
 */
final class Population {
  private final int users;
  private final int products;
  private final Zipf userSkew;
  private final Zipf productSkew;
  private final long userStride;
  private final long inverseStride;

  Population(int users) {
    this.users = users;
    this.products = Math.max(50, Math.min(100_000, users / 2));
    this.userSkew = new Zipf(users, 0.9);
    this.productSkew = new Zipf(products, 1.05);
    long stride = Math.max(1, (long) (users * 0.618));
    while (gcd(stride, users) != 1) {
      stride++;
    }
    this.userStride = stride;
    this.inverseStride = modInverse(stride % users, users);
  }

  int users() {
    return users;
  }

  /** A user id in 1..users, skewed toward active users. */
  long activeUser(SplittableRandom rnd) {
    return userOfRank(userSkew.sample(rnd));
  }

  long userOfRank(int rank) {
    return 1 + ((rank - 1) * userStride) % users;
  }

  /** Popularity rank (1 = busiest) of a user id, the inverse of {@link #userOfRank}. */
  int rankOfUser(long userId) {
    return (int) (1 + Math.floorMod((userId - 1) * inverseStride, (long) users));
  }

  /** A product id such as {@code p000123}, skewed toward popular products. */
  String product(SplittableRandom rnd) {
    return productId(productSkew.sample(rnd));
  }

  static String productId(int rank) {
    String digits = Integer.toString(rank);
    return "p" + "000000".substring(Math.min(6, digits.length())) + digits;
  }

  /** The list price of a product: a fixed, log-normal-ish price between about 2 and 500, in cents. */
  static double price(String productId) {
    long h = productId.hashCode() * 0x9E3779B97F4A7C15L;
    double u = ((h >>> 11) & ((1L << 40) - 1)) / (double) (1L << 40);
    double p = Math.exp(1.0 + u * 5.2);
    return Math.round(p * 100) / 100.0;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static long modInverse(long a, long m) {
    if (m == 1) {
      return 0;
    }
    return java.math.BigInteger.valueOf(a).modInverse(java.math.BigInteger.valueOf(m)).longValue();
  }
}
