/**
 * picocli converters that refuse a wrong option value (a count, a duration, a rate, a store
 * location) while the command line or configuration file is read, naming the option.
 *
 * <p>May use picocli, storage and small parsers of backup-core; not the commands.
 */
package dev.lifeboat.cli.option;
