// GENERATED from avro/users_processed.avsc by scripts/generate-types.ts. Do not edit: run `npm run gen:schema`.
/* eslint-disable @typescript-eslint/no-namespace */

export type UserProcessed = IoStreamlineUsers.UserProcessed;

export namespace IoStreamlineUsers {
    export const UserProcessedSchema = "{\"type\":\"record\",\"name\":\"UserProcessed\",\"namespace\":\"io.streamline.users\",\"doc\":\"A cleansed user, written by the Spark job to topic users_processed and stored in Cassandra spark_streams.created_users.\",\"fields\":[{\"name\":\"id\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},{\"name\":\"first_name\",\"type\":\"string\"},{\"name\":\"last_name\",\"type\":\"string\"},{\"name\":\"gender\",\"type\":\"string\"},{\"name\":\"address\",\"type\":\"string\",\"doc\":\"one line: number, street, city, state, country\"},{\"name\":\"post_code\",\"type\":\"string\"},{\"name\":\"email\",\"type\":\"string\",\"doc\":\"lower-case\"},{\"name\":\"username\",\"type\":\"string\"},{\"name\":\"dob\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},{\"name\":\"age\",\"type\":\"int\"},{\"name\":\"registered_date\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"phone\",\"type\":\"string\",\"doc\":\"normalised\"},{\"name\":\"cell\",\"type\":\"string\",\"doc\":\"normalised\"},{\"name\":\"picture\",\"type\":\"string\",\"doc\":\"medium picture URL\"},{\"name\":\"nationality\",\"type\":\"string\"},{\"name\":\"staged_at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},{\"name\":\"published_at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},\"default\":0,\"doc\":\"when the record reached Kafka: its users_created record's timestamp (the broker's append time); 0 in records written before the field existed\"},{\"name\":\"processed_at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
    export const UserProcessedName = "io.streamline.users.UserProcessed";
    /**
     * A cleansed user, written by the Spark job to topic users_processed and stored in Cassandra spark_streams.created_users.
     */
    export interface UserProcessed {
        id: string;
        first_name: string;
        last_name: string;
        gender: string;
        /**
         * one line: number, street, city, state, country
         */
        address: string;
        post_code: string;
        /**
         * lower-case
         */
        email: string;
        username: string;
        dob: number;
        age: number;
        registered_date: number;
        /**
         * normalised
         */
        phone: string;
        /**
         * normalised
         */
        cell: string;
        /**
         * medium picture URL
         */
        picture: string;
        nationality: string;
        staged_at: number;
        /**
         * when the record reached Kafka: its users_created record's timestamp (the broker's append time); 0 in records written before the field existed
         *
         * Default: 0
         */
        published_at: number;
        processed_at: number;
    }
}

